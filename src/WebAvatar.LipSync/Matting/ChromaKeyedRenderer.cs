using System.Runtime.CompilerServices;
using OpenCvSharp;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Removes or replaces the green or blue screen behind a renderer whose every frame is different footage (a filmed avatar drawn
/// by Wav2Lip): each frame is keyed as it comes, with the screen statistics measured once on the first, then composited as
/// <see cref="BackgroundCompositor"/> does. Owns and disposes the inner renderer; not thread-safe (one render loop).
/// </summary>
internal sealed class ChromaKeyedRenderer : IAvatarRenderer
{
    private readonly IAvatarRenderer _inner;
    private readonly ScreenBorder _border;
    private readonly AvatarBackgroundMode _mode;
    private readonly byte[]? _behind;
    private readonly byte[] _alpha;

    /// <param name="backdrop">For <see cref="AvatarBackgroundMode.Replace"/>: BGR of the inner frames' size (copied).</param>
    public ChromaKeyedRenderer(IAvatarRenderer inner, ScreenBorder border, AvatarBackgroundMode mode, Mat? backdrop)
    {
        if (mode == AvatarBackgroundMode.Keep || inner.Layout != VideoLayout.Opaque)
        {
            throw new ArgumentException("Keying needs opaque frames and a background to remove or replace.", nameof(mode));
        }

        _inner = inner;
        _border = border;
        _mode = mode;
        _alpha = new byte[inner.Width * inner.Height];
        if (mode == AvatarBackgroundMode.Replace)
        {
            ArgumentNullException.ThrowIfNull(backdrop);
            _behind = new byte[inner.Width * inner.Height * 3];
            System.Runtime.InteropServices.Marshal.Copy(backdrop.Data, _behind, 0, _behind.Length);
        }
    }

    public string EngineName => _inner.EngineName;

    public int Width => _mode == AvatarBackgroundMode.Remove ? _inner.Width * 2 : _inner.Width;

    public int Height => _inner.Height;

    public VideoLayout Layout => _mode == AvatarBackgroundMode.Remove ? VideoLayout.ColorAlphaSideBySide : VideoLayout.Opaque;

    /// <summary>The renderer that draws the footage.</summary>
    public IAvatarRenderer Inner => _inner;

    public VideoFrame RenderIdle(long frameIndex) => Key(_inner.RenderIdle(frameIndex));

    public int IdleLoopFrames => _inner.IdleLoopFrames;

    public async IAsyncEnumerable<VideoFrame> RenderSpeechAsync(SpeechClip clip, long firstFrameIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in _inner.RenderSpeechAsync(clip, firstFrameIndex, cancellationToken).ConfigureAwait(false))
        {
            yield return Key(frame);
        }
    }

    /// <summary>Takes ownership of <paramref name="footage"/>.</summary>
    private VideoFrame Key(VideoFrame footage)
    {
        using (footage)
        {
            ChromaKeyer.KeyInPlace(footage.Pixels, _border, _alpha);
            var frame = new VideoFrame(Width, Height) { Layout = Layout };
            BackgroundCompositor.Compose(_mode, footage.Pixels, _alpha, _behind, _inner.Width, new Rect(0, 0, _inner.Width, _inner.Height), frame.Pixels);
            return frame;
        }
    }

    public void Dispose() => _inner.Dispose();
}
