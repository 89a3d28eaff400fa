using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Matting;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Creates <see cref="ParametricAvatarRenderer"/>s. Face analysis runs once per distinct image (keyed by its SHA-256)
/// and is cached on disk; later loads of the same image only decode it. Thread-safe.
/// </summary>
public sealed class ParametricAvatarRendererFactory : IAvatarRendererFactory
{
    private readonly FaceAnalyzer _analyzer;
    private readonly FaceAnalysisCache _cache;
    private readonly int _motionSeed;
    private readonly int _idleLoopFrames;
    private readonly IAvatarMatting _matting;
    private readonly ILogger _logger;

    public ParametricAvatarRendererFactory(
        IOptions<AvatarOptions> options,
        IFaceDetector faces,
        IOptions<FaceDetectionOptions> faceOptions,
        IAvatarMatting matting,
        ILogger<ParametricAvatarRendererFactory>? logger = null)
        : this(AppPaths.Resolve(options.Value.CacheDirectory), faces, options.Value.MotionSeed, AppPaths.Resolve(faceOptions.Value.HaarCascadeDirectory), logger, matting, options.Value.IdleLoopSeconds * Media.MediaTiming.VideoFps)
    {
    }

    internal ParametricAvatarRendererFactory(
        string cacheDirectory,
        IFaceDetector faces,
        int motionSeed = 1,
        string cascadeDirectory = HaarFaceDetector.DefaultDirectory,
        ILogger? logger = null,
        IAvatarMatting? matting = null,
        int idleLoopFrames = IdleMotion.DefaultLoopFrames)
    {
        _analyzer = new FaceAnalyzer(faces, cascadeDirectory);
        _cache = new FaceAnalysisCache(cacheDirectory);
        _motionSeed = motionSeed;
        _idleLoopFrames = idleLoopFrames;
        _matting = matting ?? new AvatarMatting(cacheDirectory);
        _logger = logger ?? NullLogger.Instance;
    }

    public string EngineName => ParametricAvatarRenderer.Engine;

    public bool IsAvailable => _analyzer.CascadesPresent;

    /// <summary>How many times face detection actually ran (cache hits do not count).</summary>
    internal int DetectionCount => _analyzer.DetectionCount;

    public async Task<IAvatarRenderer> CreateAsync(string avatarPath, CancellationToken cancellationToken) =>
        await CreateParametricAsync(avatarPath, cancellationToken).ConfigureAwait(false);

    public async Task<IAvatarRenderer> CreateAsync(string avatarPath, AvatarBackground background, CancellationToken cancellationToken) =>
        await CreateParametricAsync(avatarPath, background, cancellationToken).ConfigureAwait(false);

    public Task<ParametricAvatarRenderer> CreateParametricAsync(string avatarPath, CancellationToken cancellationToken) =>
        CreateParametricAsync(avatarPath, AvatarBackground.Keep, cancellationToken);

    public async Task<ParametricAvatarRenderer> CreateParametricAsync(string avatarPath, AvatarBackground background, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(background);
        background.ThrowIfInvalid();

        using var image = await AvatarImage.LoadAsync(avatarPath, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var analysis = Analyse(image, avatarPath);
        if (background.Mode == AvatarBackgroundMode.Keep)
        {
            return new ParametricAvatarRenderer(image, analysis, new IdleMotion(_motionSeed, _idleLoopFrames));
        }

        var matte = await MatteAsync(image, analysis, cancellationToken).ConfigureAwait(false);
        return new ParametricAvatarRenderer(image, analysis, new IdleMotion(_motionSeed, _idleLoopFrames), background, matte);
    }

    /// <summary>
    /// Fills both caches a session of this avatar reads (its face analysis and its matte) without making a renderer, and says
    /// what they hold. The analysis failing (no face) throws <see cref="AvatarException"/>; the matte failing only sets
    /// <see cref="AvatarPreparation.MatteProblem"/>, as the avatar still works with its background kept.
    /// </summary>
    public async Task<AvatarPreparation> PrepareAsync(string avatarPath, CancellationToken cancellationToken)
    {
        using var image = await AvatarImage.LoadAsync(avatarPath, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var analysis = Analyse(image, avatarPath);
        try
        {
            return new AvatarPreparation(analysis, await MatteAsync(image, analysis, cancellationToken).ConfigureAwait(false), null);
        }
        catch (AvatarException ex)
        {
            return new AvatarPreparation(analysis, null, ex.Message);
        }
    }

    private FaceAnalysis Analyse(AvatarImage image, string avatarPath)
    {
        if (_cache.TryLoad(image.Sha256, image.Width, image.Height) is { } cached)
        {
            return new FaceAnalysis(cached, image.Sha256, FromCache: true);
        }

        var geometry = _analyzer.Analyze(image.Bgr, avatarPath);
        TrySave(image.Sha256, geometry);
        _logger.LogInformation(
            "Analysed avatar {Path}: face {Face}, eyes {Detected}, lip line y={LipLine}",
            avatarPath, geometry.Face, geometry.EyesDetected ? "detected" : "estimated", geometry.LipLineY);
        return new FaceAnalysis(geometry, image.Sha256, FromCache: false);
    }

    private Task<AlphaMatte> MatteAsync(AvatarImage image, FaceAnalysis analysis, CancellationToken cancellationToken)
    {
        var face = analysis.Geometry.Face;
        var faceBox = new FaceBox(
            Math.Max(0, (int)face.X), Math.Max(0, (int)face.Y), Math.Min(image.Width, (int)Math.Ceiling(face.Right)), Math.Min(image.Height, (int)Math.Ceiling(face.Bottom)));
        return Task.Run(() => _matting.GetMatte(image.Bgr, image.Sha256, faceBox, cancellationToken), cancellationToken);
    }

    private void TrySave(string sha256, FaceGeometry geometry)
    {
        try
        {
            _cache.Save(sha256, geometry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only cache folder only costs a re-analysis next time.
            _logger.LogWarning(ex, "Cannot write the avatar analysis cache at {Path}", _cache.PathFor(sha256));
        }
    }
}
