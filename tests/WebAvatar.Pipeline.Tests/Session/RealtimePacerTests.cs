using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Media;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline.Tests.Session;

public sealed class RealtimePacerTests
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
}
