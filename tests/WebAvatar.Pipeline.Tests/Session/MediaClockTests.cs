using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Media;
using WebAvatar.Media.Session;
using WebAvatar.Pipeline.Session;
using WebAvatar.Testing;
using Xunit.Abstractions;

namespace WebAvatar.Pipeline.Tests.Session;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MediaClockCollection
{
    public const string Name = "media clock against wall time";
}

/// <summary>
/// The session's media clock as production runs it: the <see cref="RealtimePacer"/> driving the <see cref="SessionMediaEncoder"/>,
/// read by a WebRTC-like subscriber (H.264 + Opus) and an RTMP-like one (H.264 + AAC). Audio is the master clock.
/// </summary>
[Collection(MediaClockCollection.Name)]
public class MediaClockTests(ITestOutputHelper output)
{
    private const long SlotUs = MediaTiming.VideoFrameMs * 1000L;
    private const double AacFrameUs = 1024 * 1_000_000.0 / 48_000;
    private const double WarmUpSeconds = 6;
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(66);

    [Fact]
    public async Task Audio_and_video_share_each_slots_pts_and_the_media_clock_drifts_less_than_20_ms_an_hour_against_wall_time()
    {
        using var encoder = new SessionMediaEncoder("clock");
        var speech = Channel.CreateUnbounded<AvFrame>();
        var pacer = new RealtimePacer(speech.Reader, (_, _) => ValueTask.FromResult(new VideoFrame(160, 120)), _ => true, NullLogger.Instance)
        {
            Sink = encoder,
        };
        var webRtc = new Recorder(encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus], capacity: 4096, inlineReader: true), () => pacer.Slipped);
        var rtmp = new Recorder(encoder.Subscribe([MediaCodec.H264, MediaCodec.Aac], capacity: 4096, inlineReader: true), () => pacer.Slipped);
        pacer.Start();
        await Task.Delay(RunFor);
        await pacer.DisposeAsync();
        encoder.Dispose();
        await Task.WhenAll(webRtc.Done, rtmp.Done);

        var video = webRtc.Of(MediaCodec.H264);
        var opus = webRtc.Of(MediaCodec.Opus);
        var aac = rtmp.Of(MediaCodec.Aac);
        output.WriteLine($"{video.Count} video, {opus.Count} Opus, {aac.Count} AAC packets; pacer late frames {pacer.LateFrames}, slipped {pacer.Slipped.TotalMilliseconds:F0} ms");
        Assert.True(video.Count >= RunFor.TotalSeconds * 25 * 0.9, $"only {video.Count} video frames in {RunFor.TotalSeconds} s");

        // One slot, one pts: video frame i at i * 40 ms, its two Opus packets at exactly that pts and 20 ms later.
        Assert.Equal(Enumerable.Range(0, video.Count).Select(i => i * SlotUs), video.Select(p => p.Pts));
        Assert.Equal(video.SelectMany(v => new[] { v.Pts, v.Pts + SlotUs / 2 }), opus.Select(p => p.Pts));

        // AAC's 1024-sample frames sit on the same 48 kHz sample clock: frame k at k * 21.333 ms from the first, to the
        // microsecond (no rounding carried from frame to frame), and the AAC timeline covers what the video did.
        Assert.All(aac.Select((p, k) => (p, k)), e => Assert.InRange(e.p.Pts - aac[0].Pts - (long)Math.Floor(e.k * AacFrameUs), -1, 1));
        Assert.InRange(aac[0].Pts, -(long)AacFrameUs, (long)AacFrameUs);
        // At the end the AAC encoder still holds its 1024-sample delay and a partial frame: under three frames, never more.
        long audioEnd = aac[^1].Pts + (long)AacFrameUs, videoEnd = video[^1].Pts + SlotUs;
        Assert.True(videoEnd - audioEnd is >= 0 and < (long)(3 * AacFrameUs), $"AAC ends at {audioEnd} µs, video at {videoEnd} µs");

        // Media clock against wall time, on the master (Opus) clock: lag = arrival - pts - slipped (stalls the pacer
        // deliberately gives up, counted above). Wake-up latency only ever adds, so the earliest arrival of each 2 s is the
        // pacer's schedule with the least scheduling noise (~0.1-0.3 ms on two loaded cores); a line fitted through those
        // over a minute resolves a few ms per hour, and extrapolates the drift to an hour.
        var lags = opus.Select(p => (Wall: p.ArrivalSeconds, Lag: p.ArrivalSeconds - p.Pts / 1e6 - p.SlippedSeconds)).ToList();
        // The first seconds are left out: JIT, the encoders opening and the thread pool warming slow those wake-ups alone.
        var envelope = lags.Where(l => l.Wall >= WarmUpSeconds).GroupBy(l => (long)(l.Wall / 2)).Where(g => g.Count() >= 80)
            .Select(g => (X: g.Key * 2 + 1.0, Y: g.Min(l => l.Lag))).ToList();
        output.WriteLine("earliest arrival per 2 s, ms after the first: " + Readings.Format(envelope.Select(e => (e.Y - envelope[0].Y) * 1000)));
        var (slope, residual) = Readings.LinearFit(envelope);
        double residualMs = residual * 1000;
        double driftMsPerHour = slope * 3600 * 1000;
        output.WriteLine($"drift {driftMsPerHour:F2} ms/hour over {envelope.Count} windows of 2 s (residual {residualMs:F3} ms)");
        Assert.True(Math.Abs(driftMsPerHour) < 20, $"the media clock drifts {driftMsPerHour:F1} ms an hour against wall time (residual {residualMs:F2} ms)");
    }

    /// <summary>Reads one subscription on the encoding thread (inline reader), stamping each packet's arrival.</summary>
    private sealed class Recorder
    {
        private readonly List<(MediaCodec Codec, long Pts, double ArrivalSeconds, double SlippedSeconds)> _packets = [];
        private readonly long _start = Stopwatch.GetTimestamp();

        public Recorder(IEncodedMediaSubscription subscription, Func<TimeSpan> slipped) => Done = Task.Run(async () =>
        {
            using (subscription)
            {
                await foreach (var packet in subscription.Packets.ReadAllAsync())
                {
                    _packets.Add((packet.Codec, packet.PtsMicroseconds, Stopwatch.GetElapsedTime(_start).TotalSeconds, slipped().TotalSeconds));
                }
            }
        });

        public Task Done { get; }

        public List<(long Pts, double ArrivalSeconds, double SlippedSeconds)> Of(MediaCodec codec) =>
            _packets.Where(p => p.Codec == codec).Select(p => (p.Pts, p.ArrivalSeconds, p.SlippedSeconds)).ToList();
    }
}
