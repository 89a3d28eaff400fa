using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync;

/// <summary>
/// Draws one avatar. Created per session (renderers keep per-session state such as blink timers);
/// not thread-safe: the session's render loop is its only caller. Calls may block for inference.
/// </summary>
public interface IAvatarRenderer : IDisposable
{
    /// <summary>Name of the engine, shown on the health page ("parametric", "wav2lip").</summary>
    string EngineName { get; }

    /// <summary>Width of the frames this renderer yields (twice the picture's width for <see cref="VideoLayout.ColorAlphaSideBySide"/>).</summary>
    int Width { get; }

    int Height { get; }

    /// <summary>How every frame of this renderer is laid out; fixed for the renderer's life.</summary>
    VideoLayout Layout => VideoLayout.Opaque;

    /// <summary>
    /// Renders the frames that play with <paramref name="clip"/>: exactly
    /// <see cref="MediaTiming.FramesForSamples"/>(clip length) frames, frame i covering audio
    /// [i x 640, (i+1) x 640). <paramref name="firstFrameIndex"/> is the session slot of frame 0 so idle
    /// motion continues seamlessly. The caller owns (and disposes) each yielded frame.
    /// </summary>
    IAsyncEnumerable<VideoFrame> RenderSpeechAsync(SpeechClip clip, long firstFrameIndex, CancellationToken cancellationToken);

    /// <summary>Renders an idle (listening) frame for slot <paramref name="frameIndex"/> without inference. The caller owns the frame.</summary>
    VideoFrame RenderIdle(long frameIndex);

    /// <summary>
    /// The period of the idle frames in slots: <see cref="RenderIdle"/> at slots i and i + period look alike, so a recorded
    /// loop of listening frames can be replayed. 0 when the idle frames never repeat.
    /// </summary>
    int IdleLoopFrames => 0;
}

/// <summary>Creates renderers for avatars; one per lip-sync engine.</summary>
public interface IAvatarRendererFactory
{
    string EngineName { get; }

    /// <summary>True when this engine can draw the given avatar (its model files are present, etc.).</summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Loads (and on first use preprocesses and caches) the avatar at <paramref name="avatarPath"/>.
    /// Throws <see cref="AvatarException"/> with a clear message when the file is missing or has no face.
    /// </summary>
    Task<IAvatarRenderer> CreateAsync(string avatarPath, CancellationToken cancellationToken) =>
        CreateAsync(avatarPath, AvatarBackground.Keep, cancellationToken);

    /// <summary>
    /// As <see cref="CreateAsync(string, CancellationToken)"/>, with the avatar's <paramref name="background"/> kept, removed (frames
    /// in <see cref="VideoLayout.ColorAlphaSideBySide"/>) or replaced. Throws <see cref="AvatarException"/> when this engine cannot do
    /// what is asked or the choice is malformed.
    /// </summary>
    Task<IAvatarRenderer> CreateAsync(string avatarPath, AvatarBackground background, CancellationToken cancellationToken);
}

public sealed class AvatarException(string message, Exception? inner = null) : Exception(message, inner);
