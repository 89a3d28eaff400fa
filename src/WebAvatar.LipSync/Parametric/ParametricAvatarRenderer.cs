using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OpenCvSharp;
using WebAvatar.LipSync.Matting;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Animates a still portrait without model weights: per frame it warps the real image (jaw, lips, eyelids, head
/// sway, breathing) and paints the mouth cavity into the opened lips. About a few milliseconds per frame on one
/// core; frames are rendered synchronously when enumerated. Not thread-safe (one session render loop).
/// </summary>
public sealed class ParametricAvatarRenderer : IAvatarRenderer
{
    public const string Engine = "parametric";

    private readonly Mat _portrait;
    private readonly Mat _work;
    private readonly Mat _workSupport;
    private readonly WarpField _warp;
    private readonly MouthAnimator _mouth = new();
    private readonly IdleMotion _idle;
    private readonly Mat? _matte;
    private readonly Mat? _matteWork;
    private readonly Mat? _matteWorkSupport;
    private readonly BackgroundCompositor? _compositor;
    private bool _disposed;

    /// <param name="matte">The portrait's opacity, needed unless <paramref name="background"/> keeps the background.</param>
    internal ParametricAvatarRenderer(AvatarImage image, FaceAnalysis analysis, IdleMotion idle, AvatarBackground? background = null, AlphaMatte? matte = null)
    {
        Analysis = analysis;
        _portrait = image.Bgr.Clone();
        _warp = new WarpField(analysis.Geometry);
        // Outside the warp's support the frame is always the portrait, so only the support is redrawn per frame.
        _work = _portrait.Clone();
        _workSupport = new Mat(_work, _warp.Support);
        _idle = idle;
        if (background is { Mode: not AvatarBackgroundMode.Keep })
        {
            ArgumentNullException.ThrowIfNull(matte);
            if (matte.Screen is { } screen)
            {
                ChromaKeyer.Despill(_portrait, screen);
                _portrait.CopyTo(_work);
            }

            // The matte moves with the same warp as the picture, so the outline follows the head, jaw and shoulders.
            _matte = Mat.FromPixelData(matte.Height, matte.Width, MatType.CV_8UC1, matte.Alpha).Clone();
            _matteWork = _matte.Clone();
            _matteWorkSupport = new Mat(_matteWork, _warp.Support);
            using var backdrop = background.Mode == AvatarBackgroundMode.Replace ? BackgroundCompositor.Backdrop(background, Width, Height) : null;
            _compositor = new BackgroundCompositor(background.Mode, _portrait, _matte, backdrop);
        }
    }

    public string EngineName => Engine;

    /// <summary>Frame width: the portrait's, doubled when colour and opacity travel side by side.</summary>
    public int Width => _compositor?.FrameWidth ?? _portrait.Width;

    public int Height => _portrait.Height;

    public VideoLayout Layout => _compositor?.Layout ?? VideoLayout.Opaque;

    /// <summary>Face geometry used for this avatar, and whether it came from the analysis cache.</summary>
    public FaceAnalysis Analysis { get; }

    public async IAsyncEnumerable<VideoFrame> RenderSpeechAsync(
        SpeechClip clip,
        long firstFrameIndex,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int frames = MediaTiming.FramesForSamples(clip.Samples.Length);
        for (int i = 0; i < frames; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pose = _mouth.NextSpeechFrame(clip, i);
            yield return Render(firstFrameIndex + i, pose);

            // Rendering is CPU-bound and synchronous; yield now and then so a cancelling caller gets a turn.
            if ((i & 7) == 7)
            {
                await Task.Yield();
            }
        }
    }

    public int IdleLoopFrames => _idle.LoopFrames;

    public VideoFrame RenderIdle(long frameIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Render(frameIndex, _mouth.NextIdleFrame());
    }

    private VideoFrame Render(long frameIndex, MouthPose mouth)
    {
        _warp.Build(_idle.At(frameIndex), mouth);
        Cv2.Remap(_portrait, _workSupport, _warp.MapX, _warp.MapY, InterpolationFlags.Linear, BorderTypes.Replicate);
        _warp.MouthOverlay.Composite(_work);
        foreach (var eye in _warp.EyeOverlays)
        {
            eye.Composite(_work);
        }

        var frame = new VideoFrame(Width, Height);
        if (_compositor is null)
        {
            CopyPixels(_work, frame);
            return frame;
        }

        Cv2.Remap(_matte!, _matteWorkSupport!, _warp.MapX, _warp.MapY, InterpolationFlags.Linear, BorderTypes.Replicate);
        _compositor.Render(_work, _matteWork!, _warp.Support, frame);
        return frame;
    }

    private static unsafe void CopyPixels(Mat bgr, VideoFrame frame)
    {
        var source = new ReadOnlySpan<byte>((void*)bgr.Data, frame.Length);
        source.CopyTo(frame.Pixels);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _compositor?.Dispose();
        _matteWorkSupport?.Dispose();
        _matteWork?.Dispose();
        _matte?.Dispose();
        _warp.Dispose();
        _workSupport.Dispose();
        _work.Dispose();
        _portrait.Dispose();
    }
}
