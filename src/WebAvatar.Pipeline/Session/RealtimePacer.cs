using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebAvatar.Media;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// The session's one media clock: emits exactly one <see cref="AvFrame"/> per 40 ms slot, in index
/// order, taking rendered speech frames when there are any and idle frames otherwise. Frame indices
/// (and so every pts downstream) come from the slot counter, never from wall time, so audio and
/// video cannot drift apart; wall time only paces the loop. After a stall (a starved machine, a slow sink) the clock
/// slips by the lost time instead of bursting the missed slots faster than real time. A <see cref="Hold"/> leaves
/// queued speech frames where they are and fills the slots with idle frames until <see cref="Release"/> or the hold's time limit.
/// </summary>
public sealed partial class RealtimePacer : IAsyncDisposable
{
    // Lateness still made up by emitting back to back; beyond it the schedule slips (two slots: jitter buffers absorb that).
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromMilliseconds(2 * MediaTiming.VideoFrameMs);

    private readonly ChannelReader<AvFrame> _speech;
    private readonly Func<long, CancellationToken, ValueTask<VideoFrame>> _renderIdle;
    private readonly Func<long, VideoFrame> _renderIdleOnRead;
    private readonly int _idleLoopFrames;
    private readonly Func<AvFrame, bool> _isCurrent;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private IAvFrameSink? _sink;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private long _nextIndex;
    private long _holdUntil;
    private long _slippedTicks;

    public RealtimePacer(
        ChannelReader<AvFrame> speech,
        Func<long, CancellationToken, ValueTask<VideoFrame>> renderIdle,
        Func<AvFrame, bool> isCurrent,
        ILogger logger,
        int idleLoopFrames = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(idleLoopFrames);
        _speech = speech;
        _renderIdle = renderIdle;
        _idleLoopFrames = idleLoopFrames;
        _renderIdleOnRead = index => Wait(_renderIdle(index, _stop.Token));
        _isCurrent = isCurrent;
        _logger = logger;
    }

    /// <summary>Raised on the pacer thread for every slot, before the frame goes to the sink.</summary>
    public event Action<AvFrame>? FrameEmitted;

    /// <summary>Raised when a slot had no speech frame ready (listening, or the pipeline fell behind).</summary>
    public event Action<long>? IdleSlot;

    /// <summary>Raised on the pacer thread when a hold ran out without <see cref="Release"/>.</summary>
    public event Action? HoldExpired;

    /// <summary>True while speech frames are held back.</summary>
    public bool IsHeld => Interlocked.Read(ref _holdUntil) != 0;

    /// <summary>The slot the next emitted frame will take.</summary>
    public long NextIndex => Interlocked.Read(ref _nextIndex);

    /// <summary>Stalls: slots that came more than two slots after their time, each making the clock slip.</summary>
    public long LateFrames { get; private set; }

    /// <summary>Wall time given up after stalls (the media clock runs this much behind its start).</summary>
    public TimeSpan Slipped => TimeSpan.FromTicks(Interlocked.Read(ref _slippedTicks));

    /// <summary>Where frames go; null discards them (speech still advances, idle frames are not rendered).</summary>
    public IAvFrameSink? Sink
    {
        get => Volatile.Read(ref _sink);
        set => Volatile.Write(ref _sink, value);
    }

    /// <summary>
    /// From the next slot on, emit idle frames and leave queued speech frames untouched; the hold ends by itself after
    /// <paramref name="maxDuration"/> so a forgotten hold cannot mute the session. Never blocks.
    /// </summary>
    public void Hold(TimeSpan maxDuration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxDuration, TimeSpan.Zero);
        var until = Stopwatch.GetTimestamp() + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        Interlocked.Exchange(ref _holdUntil, Math.Max(1, until));
    }

    /// <summary>Ends a hold: the next slot takes the first queued speech frame. A no-op when not held.</summary>
    public void Release() => Interlocked.Exchange(ref _holdUntil, 0);

    public void Start()
    {
        if (_thread is not null)
        {
            return;
        }

        // A thread of its own, not the thread pool: at the start of a reply the pool is busy with TTS and rendering
        // bursts, and a pool continuation after Task.Delay then woke 80-300 ms late, which Chrome's audio jitter
        // buffer answered by growing to 150-300 ms for the rest of the reply (barge-in and first audio pay for it).
        _thread = new Thread(Run) { IsBackground = true, Name = "WebAvatar pacer" };
        _thread.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_thread is not null)
        {
            await _stopped.Task.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Run()
    {
        var cancellationToken = _stop.Token;
        try
        {
            var clock = Stopwatch.StartNew();
            while (!cancellationToken.IsCancellationRequested)
            {
                long index = _nextIndex;
                var due = TimeSpan.FromMilliseconds(index * MediaTiming.VideoFrameMs) + Slipped;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    cancellationToken.WaitHandle.WaitOne(wait);
                    continue; // re-check: woken by the stop, or a little early
                }

                if (-wait > MaxCatchUp)
                {
                    // Making the lost time up would emit the missed slots back to back: speech fast-forwards at the sink and
                    // floods the encoder and the jitter buffers. This slot is due now instead; indices stay contiguous.
                    LateFrames++;
                    Interlocked.Add(ref _slippedTicks, (-wait).Ticks);
                }

                EmitSlot(index, cancellationToken);
                Interlocked.Increment(ref _nextIndex);
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void EmitSlot(long index, CancellationToken cancellationToken)
    {
        try
        {
            var frame = NextFrame(index, cancellationToken);
            if (frame is null)
            {
                return;
            }

            FrameEmitted?.Invoke(frame);
            var sink = Sink;
            if (sink is null)
            {
                frame.Dispose();
            }
            else
            {
                Wait(sink.WriteAsync(frame, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // One bad frame (a renderer or sink fault) must not stop the session's clock.
            LogFrameFailed(_logger, ex, index);
        }
    }

    /// <summary>The pacer thread may block: sinks and idle renders almost always complete synchronously.</summary>
    private static void Wait(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        pending.AsTask().GetAwaiter().GetResult();
    }

    private static T Wait<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private bool HeldNow()
    {
        var until = Interlocked.Read(ref _holdUntil);
        if (until == 0)
        {
            return false;
        }

        if (Stopwatch.GetTimestamp() < until)
        {
            return true;
        }

        if (Interlocked.CompareExchange(ref _holdUntil, 0, until) == until)
        {
            HoldExpired?.Invoke();
        }

        return false;
    }

    private AvFrame? NextFrame(long index, CancellationToken cancellationToken)
    {
        while (!HeldNow() && _speech.TryRead(out var speech))
        {
            if (_isCurrent(speech))
            {
                speech.Index = index;
                return speech;
            }

            speech.Dispose();
        }

        IdleSlot?.Invoke(index);
        if (Sink is null)
        {
            return null;
        }

        if (_idleLoopFrames > 0)
        {
            // Drawn only if the sink reads the picture: the session encoder replays its recorded idle loop instead when it can.
            return new AvFrame(index, (int)(index % _idleLoopFrames), _idleLoopFrames, _renderIdleOnRead);
        }

        var video = Wait(_renderIdle(index, cancellationToken));
        return new AvFrame(index, video, speaking: false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pacer slot {Index} failed; continuing")]
    private static partial void LogFrameFailed(ILogger logger, Exception ex, long index);
}
