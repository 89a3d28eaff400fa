using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Chroma key for screen footage; otherwise the engine of <see cref="MattingOptions"/> (the ONNX model or GrabCut from the face).
/// Each picture's matte is cached beside its face analysis (<see cref="MatteCache"/>) and reused.
/// </summary>
public sealed class AvatarMatting : IAvatarMatting, IDisposable
{
    private readonly MatteCache _cache;
    private readonly MattingEngine _engine;
    private readonly string _modelPath;
    private readonly ILogger _logger;
    private readonly Lazy<OnnxMattingModel> _model;
    private int _computeCount;

    public AvatarMatting(IOptions<MattingOptions> options, IOptions<AvatarOptions> avatar, ILogger<AvatarMatting>? logger = null)
        : this(AppPaths.Resolve(avatar.Value.CacheDirectory), options.Value.EffectiveEngine, AppPaths.Resolve(options.Value.ModelPath), logger)
    {
    }

    internal AvatarMatting(string cacheDirectory, MattingEngine engine = MattingEngine.GrabCut, string? modelPath = null, ILogger? logger = null)
    {
        if (engine == MattingEngine.Auto)
        {
            engine = modelPath is not null && File.Exists(modelPath) ? MattingEngine.Onnx : MattingEngine.GrabCut;
        }

        _cache = new MatteCache(cacheDirectory);
        _engine = engine;
        _modelPath = modelPath ?? string.Empty;
        _logger = logger ?? NullLogger.Instance;
        _model = new(() => OnnxMattingModel.Load(_modelPath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>What segments a picture without a screen: <see cref="OnnxMattingModel.Method"/> or "grabcut".</summary>
    public string Segmenter => _engine == MattingEngine.Onnx ? OnnxMattingModel.Method : "grabcut";

    /// <summary>How many mattes were computed (cache hits do not count).</summary>
    internal int ComputeCount => Volatile.Read(ref _computeCount);

    internal string CachePathFor(string sha256) => _cache.PathFor(sha256);

    public AlphaMatte GetMatte(Mat bgr, string sha256, FaceBox? face, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256);
        cancellationToken.ThrowIfCancellationRequested();
        if (_cache.TryLoad(sha256, bgr.Width, bgr.Height, Segmenter) is { } cached)
        {
            return cached;
        }

        var matte = Compute(bgr, face, cancellationToken);
        Interlocked.Increment(ref _computeCount);
        try
        {
            _cache.Save(sha256, matte);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only cache folder only costs computing the matte again next time.
            _logger.LogWarning(ex, "Cannot write the avatar matte cache at {Path}", _cache.PathFor(sha256));
        }

        return matte;
    }

    private AlphaMatte Compute(Mat bgr, FaceBox? face, CancellationToken cancellationToken)
    {
        if (ChromaKeyer.TryMeasureScreen(bgr, out var screen))
        {
            return ChromaKeyer.Key(bgr, screen, despill: false); // without despill the picture is only read
        }

        if (_engine == MattingEngine.Onnx)
        {
            return _model.Value.Predict(bgr, cancellationToken);
        }

        if (face is not { } box)
        {
            throw new AvatarException("No face was found to tell the person from the background, so the background cannot be removed.");
        }

        return GrabCutSegmenter.Segment(bgr, box);
    }

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }
}
