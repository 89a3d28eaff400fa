using System.Runtime.CompilerServices;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.Testing.Doubles;

/// <summary>Test boundary renderer: flat frames whose brightness encodes idle (10) or speech (200).</summary>
public sealed class FlatAvatarRenderer : IAvatarRenderer
{
    private int _idleFramesRendered;

    public string EngineName => "flat";

    public int Width => 64;

    public int Height => 48;

    public int SpeechFramesRendered { get; private set; }

    public int IdleFramesRendered => Volatile.Read(ref _idleFramesRendered);

    /// <summary>The idle loop this renderer claims (its idle frames are all alike, so any loop is true); 0 by default.</summary>
    public int IdleLoopFrames { get; init; }

    public async IAsyncEnumerable<VideoFrame> RenderSpeechAsync(SpeechClip clip, long firstFrameIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int frames = MediaTiming.FramesForSamples(clip.Samples.Length);
        for (int i = 0; i < frames; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var frame = new VideoFrame(Width, Height);
            frame.Pixels.Fill(200);
            SpeechFramesRendered++;
            await Task.Yield();
            yield return frame;
        }
    }

    public VideoFrame RenderIdle(long frameIndex)
    {
        Interlocked.Increment(ref _idleFramesRendered);
        var frame = new VideoFrame(Width, Height);
        frame.Pixels.Fill(10);
        return frame;
    }

    public void Dispose()
    {
    }
}
