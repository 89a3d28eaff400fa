using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Media;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline.Tests.Session;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadPoolStarvationCollection
{
    public const string Name = "starves the thread pool";
}

/// <summary>
/// The pacer is the session's media clock: it must keep its 40 ms slots while the thread pool is saturated
/// (a reply's TTS and rendering bursts), because every late slot grows the browser's jitter buffer for good.
/// </summary>
[Collection(ThreadPoolStarvationCollection.Name)]
public class RealtimePacerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_a_stall_the_pacer_keeps_real_time_instead_of_bursting_the_missed_slots()
    {
        const int stallAt = 3, observed = 10;
        var sink = new StallingSink(stallAt, TimeSpan.FromMilliseconds(600), lastIndex: stallAt + observed);
        var speech = Channel.CreateUnbounded<AvFrame>();
        await using var pacer = new RealtimePacer(speech.Reader, (_, _) => ValueTask.FromResult(new VideoFrame(8, 8)), _ => true, NullLogger.Instance);
        pacer.Sink = sink;
        pacer.Start();
        await sink.Done.WaitAsync(Timeout);

        var emitted = sink.Emitted;
        Assert.Equal(Enumerable.Range(0, emitted.Count).Select(i => (long)i), emitted.Select(e => e.Index));

        // Load only makes the span longer, so this lower bound holds on any machine; catching up the 600 ms would emit
        // these slots within a few milliseconds. 80 ms is the catch-up a short delay may still use.
        var span = emitted[stallAt + observed].At - emitted[stallAt + 1].At;
        Assert.True(span >= TimeSpan.FromMilliseconds((observed - 1) * MediaTiming.VideoFrameMs - 80), $"{observed} slots after the stall took {span.TotalMilliseconds:F0} ms");
        Assert.True(pacer.Slipped >= TimeSpan.FromMilliseconds(400), $"slipped {pacer.Slipped.TotalMilliseconds:F0} ms");
        Assert.True(pacer.LateFrames >= 1);
    }

    [Fact]
    public async Task Slots_keep_real_time_while_every_thread_pool_thread_is_blocked()
    {
        var speech = Channel.CreateUnbounded<AvFrame>();
        var emitted = new List<(long Index, long Ticks)>();
        var pacer = new RealtimePacer(
            speech.Reader,
            (_, _) => ValueTask.FromResult(new VideoFrame(16, 16)),
            _ => true,
            NullLogger.Instance);
        pacer.FrameEmitted += frame =>
        {
            lock (emitted)
            {
                emitted.Add((frame.Index, Stopwatch.GetTimestamp()));
            }
        };
        pacer.Sink = new DisposingSink();
        pacer.Start();
        await Task.Delay(200);

        // Occupy more pool threads than the pool has, for longer than the measurement: queued work (and any
        // continuation that needs a pool thread) waits for the pool's slow thread injection.
        ThreadPool.GetMinThreads(out int workers, out _);
        using var release = new ManualResetEventSlim();
        for (int i = 0; i < workers * 4; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => release.Wait(TimeSpan.FromSeconds(10)), null);
        }

        long from = Stopwatch.GetTimestamp();
        Thread.Sleep(1200); // not Task.Delay: its continuation would need the starved pool
        long to = Stopwatch.GetTimestamp();
        release.Set();
        await pacer.DisposeAsync();

        List<(long Index, long Ticks)> window;
        lock (emitted)
        {
            window = emitted.Where(e => e.Ticks >= from && e.Ticks <= to).ToList();
        }

        double longestGapMs = window.Zip(window.Skip(1), (a, b) => (b.Ticks - a.Ticks) * 1000.0 / Stopwatch.Frequency).DefaultIfEmpty(double.MaxValue).Max();
        Assert.True(window.Count >= 25, $"only {window.Count} slots in 1.2 s while the pool was blocked (30 expected)");
        Assert.True(longestGapMs < 100, $"a slot came {longestGapMs:F0} ms after the previous one while the pool was blocked");
        Assert.Equal(Enumerable.Range((int)window[0].Index, window.Count).Select(i => (long)i), window.Select(e => e.Index));
    }

    /// <summary>Records when each frame arrives; blocks once, on one slot, like a stalled encoder or a starved machine.</summary>
    private sealed class StallingSink(long stallAt, TimeSpan stall, long lastIndex) : IAvFrameSink
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(long Index, TimeSpan At)> _emitted = [];
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public IReadOnlyList<(long Index, TimeSpan At)> Emitted
        {
            get
            {
                lock (_emitted)
                {
                    return _emitted.ToArray();
                }
            }
        }

        public ValueTask WriteAsync(AvFrame frame, CancellationToken cancellationToken)
        {
            long index = frame.Index;
            frame.Dispose();
            lock (_emitted)
            {
                _emitted.Add((index, _clock.Elapsed));
            }

            if (index == stallAt)
            {
                Thread.Sleep(stall);
            }

            if (index == lastIndex)
            {
                _done.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class DisposingSink : IAvFrameSink
    {
        public ValueTask WriteAsync(AvFrame frame, CancellationToken cancellationToken)
        {
            frame.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
