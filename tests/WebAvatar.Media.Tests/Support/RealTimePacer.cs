using System.Diagnostics;
using WebAvatar.Media.Session;

namespace WebAvatar.Media.Tests.Support;

/// <summary>Feeds the test pattern into an encoder at 25 fps on an absolute schedule (no accumulated timer drift).</summary>
internal sealed class RealTimePacer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public RealTimePacer(SessionMediaEncoder encoder, int width = 320, int height = 240)
    {
        _run = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            for (long i = 0; !_stop.IsCancellationRequested; i++)
            {
                var due = TimeSpan.FromMilliseconds(i * MediaTiming.VideoFrameMs);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                await encoder.WriteAsync(TestPattern.Frame(i, width, height), CancellationToken.None);
                FramesWritten = i + 1;
            }
        });
    }

    public long FramesWritten { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
