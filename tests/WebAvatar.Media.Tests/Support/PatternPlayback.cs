using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Media.Session;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Media.Tests.Support;

/// <summary>
/// The test pattern played through the production media clock: the session's <see cref="RealtimePacer"/> takes one pattern
/// frame per 40 ms slot (a producer keeps a few queued, as the renderer does while the avatar speaks) and writes it to the
/// encoder. Slots the producer missed are idle pattern pictures with silence, never a flash.
/// </summary>
internal sealed class PatternPlayback : IAsyncDisposable
{
    private const int Queued = 4;
    private readonly Channel<AvFrame> _frames = Channel.CreateBounded<AvFrame>(new BoundedChannelOptions(Queued) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly RealtimePacer _pacer;
    private readonly Task _producer;
    private long _framesWritten;

    public PatternPlayback(SessionMediaEncoder encoder, int width = 320, int height = 240)
    {
        _pacer = new RealtimePacer(_frames.Reader, (_, _) => ValueTask.FromResult(IdlePicture(width, height)), _ => true, NullLogger.Instance)
        {
            Sink = encoder,
        };
        _pacer.FrameEmitted += _ => Interlocked.Increment(ref _framesWritten);
        _producer = Task.Run(async () =>
        {
            try
            {
                for (long i = 0; ; i++)
                {
                    await _frames.Writer.WriteAsync(TestPattern.Frame(i, width, height), _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        _pacer.Start();
    }

    public long FramesWritten => Interlocked.Read(ref _framesWritten);

    /// <summary>The production pacer, for its stall counters.</summary>
    public RealtimePacer Pacer => _pacer;

    public async ValueTask DisposeAsync()
    {
        await _pacer.DisposeAsync();
        await _stop.CancelAsync();
        await _producer;
        while (_frames.Reader.TryRead(out var left))
        {
            left.Dispose();
        }

        _stop.Dispose();
    }

    private static VideoFrame IdlePicture(int width, int height)
    {
        var video = new VideoFrame(width, height);
        TestPattern.FillPicture(video, 0);
        return video;
    }
}
