using System.Buffers;

namespace WebAvatar.Media;

/// <summary>
/// One 40 ms slot of the session's output: a video frame and the two 20 ms audio frames that play with it.
/// <see cref="Index"/> is the slot number on the session's media clock (pts = Index x 40 ms).
/// Ownership: the frame owns <see cref="Video"/> and the pooled audio buffer; the last consumer disposes it.
/// </summary>
public sealed class AvFrame : IDisposable
{
    private short[]? _audio;

    public AvFrame(long index, VideoFrame video, bool speaking)
    {
        Index = index;
        Video = video;
        Speaking = speaking;
        _audio = ArrayPool<short>.Shared.Rent(MediaTiming.SamplesPerVideoFrame);
        Array.Clear(_audio, 0, MediaTiming.SamplesPerVideoFrame);
    }

    public long Index { get; set; }

    public VideoFrame Video { get; }

    /// <summary>True when the slot carries avatar speech, false for idle/silence.</summary>
    public bool Speaking { get; }

    /// <summary>Identifies the reply this frame belongs to (null for idle frames); lets sinks measure first-frame latency.</summary>
    public string? ReplyId { get; init; }

    /// <summary>640 mono samples at 16 kHz (two 20 ms frames); silence for idle frames.</summary>
    public Span<short> Audio => (_audio ?? throw new ObjectDisposedException(nameof(AvFrame))).AsSpan(0, MediaTiming.SamplesPerVideoFrame);

    /// <summary>Presentation time on the session clock in microseconds.</summary>
    public long PtsMicroseconds => MediaTiming.FrameIndexToMicroseconds(Index);

    public void Dispose()
    {
        var audio = Interlocked.Exchange(ref _audio, null);
        if (audio is not null)
        {
            ArrayPool<short>.Shared.Return(audio);
        }

        Video.Dispose();
    }
}
