using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using WebAvatar.LipSync.Matting;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// Creates <see cref="Wav2LipRenderer"/>s. The ONNX session is loaded once and shared; preprocessed avatars and their
/// model-sized face crops are kept for the last <see cref="Wav2LipOptions.CachedAvatars"/> avatars. Thread-safe.
/// </summary>
public sealed class Wav2LipRendererFactory(
    IOptions<Wav2LipOptions> options,
    AvatarPreprocessor preprocessor,
    ILogger<Wav2LipRendererFactory> logger) : IAvatarRendererFactory, IDisposable
{
    public const string Name = "wav2lip";

    private readonly Wav2LipOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly LinkedList<(string Key, PreprocessedAvatar Avatar, byte[][] Crops)> _avatars = new();
    private Wav2LipModel? _model;

    public string EngineName => Name;

    public bool IsAvailable => ModelFile() is not null;

    /// <summary>The model file the configured path or glob selects, or null when there is none.</summary>
    public string? ModelFile()
    {
        var resolved = AppPaths.Resolve(_options.ModelPath);
        var directory = Path.GetDirectoryName(resolved);
        var pattern = Path.GetFileName(resolved);
        if (string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(pattern) || !Directory.Exists(directory))
        {
            return null;
        }

        return pattern.IndexOfAny(['*', '?']) < 0
            ? File.Exists(resolved) ? resolved : null
            : Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The shared model, loaded on first use.</summary>
    public Wav2LipModel Model()
    {
        lock (_lock)
        {
            if (_model is null)
            {
                var path = ModelFile() ?? throw new AvatarException(
                    $"No Wav2Lip model matches '{_options.ModelPath}'. Export one to models/wav2lip.onnx (see models/README.md) or pick another lip-sync engine.");
                _model = Wav2LipModel.Load(path, _options, logger);
                logger.LogInformation("Wav2Lip: loaded {Path} (face {Size}px, {Provider})", path, _model.FaceSize, _model.Provider);
            }

            return _model;
        }
    }

    public async Task<IAvatarRenderer> CreateAsync(string avatarPath, CancellationToken cancellationToken) =>
        await CreateRendererAsync(avatarPath, cancellationToken).ConfigureAwait(false);

    public async Task<IAvatarRenderer> CreateAsync(string avatarPath, AvatarBackground background, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(background);
        background.ThrowIfInvalid();

        var renderer = await CreateRendererAsync(avatarPath, cancellationToken).ConfigureAwait(false);
        if (background.Mode == AvatarBackgroundMode.Keep)
        {
            return renderer;
        }

        try
        {
            // Footage changes every frame, so only a screen can be keyed as it plays; its level is measured once, on the first frame.
            using var first = renderer.RenderIdle(0);
            using var picture = Mat.FromPixelData(first.Height, first.Width, MatType.CV_8UC3, first.Buffer, first.Stride);
            if (!ChromaKeyer.TryMeasureScreen(picture, out var border))
            {
                throw new AvatarException(
                    "The wav2lip engine removes only a green or blue screen behind filmed footage, and this avatar has none; choose the parametric engine to remove or replace its background.");
            }

            using var backdrop = background.Mode == AvatarBackgroundMode.Replace ? BackgroundCompositor.Backdrop(background, renderer.Width, renderer.Height) : null;
            return new ChromaKeyedRenderer(renderer, border, background.Mode, backdrop);
        }
        catch
        {
            renderer.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="CreateAsync"/>, typed.</summary>
    public async Task<Wav2LipRenderer> CreateRendererAsync(string avatarPath, CancellationToken cancellationToken)
    {
        var model = Model();
        var key = preprocessor.CacheFolderFor(avatarPath) + "|" + model.FaceSize;
        lock (_lock)
        {
            var cached = _avatars.FirstOrDefault(a => a.Key == key);
            if (cached.Avatar is not null)
            {
                return new Wav2LipRenderer(model, cached.Avatar, cached.Crops, _options);
            }
        }

        var avatar = await preprocessor.LoadOrPreprocessAsync(avatarPath, null, cancellationToken).ConfigureAwait(false);
        var crops = await Task.Run(() => avatar.LoadCrops(model.FaceSize, cancellationToken), cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _avatars.AddFirst((key, avatar, crops));
            while (_avatars.Count > _options.CachedAvatars)
            {
                _avatars.RemoveLast();
            }
        }

        return new Wav2LipRenderer(model, avatar, crops, _options);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _model?.Dispose();
            _model = null;
            _avatars.Clear();
        }
    }
}
