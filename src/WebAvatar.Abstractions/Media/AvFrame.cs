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
    private VideoFrame? _video;
    private Func<long, VideoFrame>? _renderIdle;

    public AvFrame(long index, VideoFrame video, bool speaking)
        : this(index, speaking)
    {
        _video = video;
    }

    /// <summary>
    /// An idle slot at <paramref name="loopPhase"/> of the renderer's idle loop of <paramref name="loopLength"/> slots. Its picture is
    /// drawn by <paramref name="renderIdle"/> (given <see cref="Index"/>) only when somebody reads <see cref="Video"/>: a sink that
    /// replays a recorded loop never does. <paramref name="renderIdle"/> may block (it takes the session's renderer).
    /// </summary>
    public AvFrame(long index, int loopPhase, int loopLength, Func<long, VideoFrame> renderIdle)
        : this(index, speaking: false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loopLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(loopPhase);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(loopPhase, loopLength);
        IdleLoopPhase = loopPhase;
        IdleLoopLength = loopLength;
        _renderIdle = renderIdle;
    }

    private AvFrame(long index, bool speaking)
    {
        Index = index;
        Speaking = speaking;
        _audio = ArrayPool<short>.Shared.Rent(MediaTiming.SamplesPerVideoFrame);
        Array.Clear(_audio, 0, MediaTiming.SamplesPerVideoFrame);
    }

    public long Index { get; set; }

    /// <summary>The picture; an idle slot's is drawn on first read (on the reader's thread).</summary>
    public VideoFrame Video
    {
        get
        {
            ObjectDisposedException.ThrowIf(_audio is null, this);
            if (_video is null)
            {
                _video = _renderIdle!(Index);
                _renderIdle = null;
            }

            return _video;
        }
    }

    /// <summary>False while an idle slot's picture has not been drawn (nobody read <see cref="Video"/>).</summary>
    public bool IsVideoRendered => _video is not null;

    /// <summary>Where this idle slot lies in the renderer's idle loop (0 .. <see cref="IdleLoopLength"/> - 1); -1 for speech and for idle frames that do not repeat.</summary>
    public int IdleLoopPhase { get; } = -1;

    /// <summary>The renderer's idle loop in slots; 0 when the slot is not part of one.</summary>
    public int IdleLoopLength { get; }

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

        _renderIdle = null;
        Interlocked.Exchange(ref _video, null)?.Dispose();
    }
}
