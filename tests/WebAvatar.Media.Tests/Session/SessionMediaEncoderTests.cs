using WebAvatar.Media.Codecs.Opus;
using WebAvatar.Media.Session;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Session;

public class SessionMediaEncoderTests
{
    private static readonly MediaCodec[] WebRtc = [MediaCodec.H264, MediaCodec.Opus];

    [Fact]
    public async Task Five_subscribers_cost_the_same_encoding_as_one_and_share_the_packets()
    {
        using var one = new SessionMediaEncoder("one");
        using var five = new SessionMediaEncoder("five");
        var single = one.Subscribe(WebRtc);
        var many = Enumerable.Range(0, 5).Select(_ => five.Subscribe(WebRtc)).ToArray();
        for (int i = 0; i < 30; i++)
        {
            await one.WriteAsync(TestPattern.Frame(i, 160, 120), default);
            await five.WriteAsync(TestPattern.Frame(i, 160, 120), default);
        }

        Assert.Equal(30, one.EncodedCount(MediaCodec.H264));
        Assert.Equal(30, five.EncodedCount(MediaCodec.H264));
        Assert.Equal(60, five.EncodedCount(MediaCodec.Opus));
        Assert.Equal(0, five.EncodedCount(MediaCodec.Vp8));
        Assert.Equal(0, five.EncodedCount(MediaCodec.Aac));

        var received = many.Select(Drain).ToArray();
        Assert.All(received, r => Assert.Equal(90, r.Count));
        for (int i = 0; i < 90; i++)
        {
            Assert.All(received, r => Assert.Same(received[0][i], r[i])); // one encode, shared immutable packet
        }

        Assert.Equal(90, Drain(single).Count);
    }

    [Fact]
    public async Task Packets_sit_on_one_microsecond_clock()
    {
        using var encoder = new SessionMediaEncoder("clock");
        var sub = encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus, MediaCodec.Aac]);
        for (int i = 10; i < 60; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default);
        }

        var packets = Drain(sub);
        Assert.Equal(Enumerable.Range(10, 50).Select(i => i * 40_000L), packets.Where(p => p.Codec == MediaCodec.H264).Select(p => p.PtsMicroseconds));
        Assert.Equal(Enumerable.Range(20, 100).Select(i => i * 20_000L), packets.Where(p => p.Codec == MediaCodec.Opus).Select(p => p.PtsMicroseconds));
        var aac = packets.Where(p => p.Codec == MediaCodec.Aac).Select(p => p.PtsMicroseconds).ToArray();
        Assert.Equal(((10 * 1920) - 1024) * 1_000_000L / 48_000, aac[0]); // from its own sample count, less the encoder's priming
        Assert.All(aac.Zip(aac.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 21_333, 21_334));
    }

    [Fact]
    public async Task Opus_beep_lands_on_the_flash_frame_pts()
    {
        using var encoder = new SessionMediaEncoder("sync");
        var sub = encoder.Subscribe([MediaCodec.Opus, MediaCodec.H264]);
        for (int i = 0; i < TestPattern.SyncPeriodFrames; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default);
        }

        using var decoder = new OpusDecoder(48_000, 1);
        var pcm = new short[960];
        var opus = Drain(sub).Where(p => p.Codec == MediaCodec.Opus).ToList();
        long onsetUs = -1;
        foreach (var packet in opus)
        {
            int n = decoder.Decode(packet.Data.Span, pcm);
            int hit = Array.FindIndex(pcm, 0, n, s => Math.Abs((int)s) > TestPattern.QuietAmplitude * 4);
            if (hit >= 0)
            {
                // Opus itself delays 6.5 ms (312 samples at 48 kHz, its look-ahead); compensate it.
                onsetUs = packet.PtsMicroseconds + (hit - 312) * 1_000_000L / 48_000;
                break;
            }
        }

        long flashUs = MediaTiming.FrameIndexToMicroseconds(TestPattern.SyncPeriodFrames / 2);
        Assert.InRange(onsetUs - flashUs, -3_000, 5_000);
    }

    [Fact]
    public async Task Slow_subscriber_drops_skips_to_a_keyframe_and_never_stalls_the_others()
    {
        // GOP keyframes 10 s apart: every keyframe in this 5 s test is one the drops asked for.
        using var encoder = new SessionMediaEncoder("slow", new SessionEncoderSettings { KeyFrameIntervalSeconds = 10 });
        var fast = encoder.Subscribe(WebRtc);
        var slow = encoder.Subscribe(WebRtc, capacity: 8);
        var fastPackets = new List<EncodedPacket>();

        // The slow subscriber reads nothing until a forced keyframe it had to drop (after frame 60): its request is then
        // pending, and the rate limit lets the next one through at the earliest 500 ms of media time after that keyframe.
        int frame = 0;
        for (bool keyDropped = false; !keyDropped; frame++)
        {
            await encoder.WriteAsync(TestPattern.Frame(frame, 160, 120), default);
            var packets = Drain(fast);
            fastPackets.AddRange(packets);
            keyDropped = frame >= 60 && packets.Any(p => p.Codec == MediaCodec.H264 && p.IsKeyFrame);
            Assert.True(frame < 100, "no forced keyframe between frames 60 and 100");
        }

        Assert.Equal(0, fast.DroppedPackets);
        Assert.Equal(3 * frame, fastPackets.Count);
        Assert.True(slow.DroppedPackets > 3 * frame - 30, $"slow dropped {slow.DroppedPackets}");
        // Its drops asked for keyframes, rate-limited to one per 500 ms of media time (frame 0 and then every 13th).
        long forced = encoder.ForcedKeyFrames(MediaCodec.H264);
        Assert.InRange(forced, 1 + (frame - 1) / 13, 1 + frame / 13);
        var forcedKeys = fastPackets.Where(p => p.Codec == MediaCodec.H264 && p.IsKeyFrame).Select(p => p.PtsMicroseconds).ToArray();
        Assert.All(forcedKeys.Zip(forcedKeys.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 500_000, $"keyframes {pair.First} and {pair.Second} too close"));

        Drain(slow);
        long caughtUpUs = frame * 40_000L;
        var resumed = new List<EncodedPacket>();
        for (int i = frame; i < frame + 40; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default);
            resumed.AddRange(Drain(slow).Where(p => p.Codec == MediaCodec.H264)); // now it keeps up
        }

        Assert.NotEmpty(resumed);
        Assert.True(resumed[0].IsKeyFrame, "after a drop the subscriber restarts at a keyframe");
        Assert.True(resumed[0].PtsMicroseconds - caughtUpUs <= 500_000, $"keyframe {(resumed[0].PtsMicroseconds - caughtUpUs) / 1000} ms after the subscriber caught up (500 ms at most)");
    }

    [Fact]
    public async Task Keyframe_requests_force_an_idr_on_the_next_frame_and_are_rate_limited()
    {
        using var encoder = new SessionMediaEncoder("keys");
        var sub = encoder.Subscribe([MediaCodec.H264]);
        for (int i = 0; i < 45; i++)
        {
            if (i is 25 or 26)
            {
                encoder.RequestKeyFrame(MediaCodec.H264);
            }

            await encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default);
        }

        var keys = Drain(sub).Where(p => p.IsKeyFrame).Select(p => p.PtsMicroseconds / 40_000).ToArray();
        // Frame 0 (first subscriber), 25 (request), and the second request waits until 500 ms after frame 25 -> frame 38.
        Assert.Equal(new long[] { 0, 25, 38 }, keys);
        Assert.Equal(3, encoder.ForcedKeyFrames(MediaCodec.H264));
    }

    [Fact]
    public async Task A_late_video_subscriber_starts_at_a_prompt_keyframe()
    {
        using var encoder = new SessionMediaEncoder("late");
        var early = encoder.Subscribe([MediaCodec.H264]);
        for (int i = 0; i < 20; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default);
        }

        var late = encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus]);
        for (int i = 20; i < 30; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default);
        }

        var video = Drain(late).Where(p => p.Codec == MediaCodec.H264).ToList();
        Assert.True(video[0].IsKeyFrame);
        Assert.Equal(20 * 40_000L, video[0].PtsMicroseconds);
        Assert.Equal(10, video.Count);
        GC.KeepAlive(early);
    }

    [Fact]
    public async Task Takes_ownership_of_frames_and_completes_subscribers_on_dispose()
    {
        var encoder = new SessionMediaEncoder("own");
        var sub = encoder.Subscribe([MediaCodec.Vp8]);
        var frame = TestPattern.Frame(0, 160, 120);
        await encoder.WriteAsync(frame, default);
        Assert.Throws<ObjectDisposedException>(() => frame.Video.Pixels.Length);
        Assert.Equal(1, encoder.EncodedCount(MediaCodec.Vp8));

        // A bad frame is refused with a clear error and still released.
        var odd = new AvFrame(1, new VideoFrame(161, 120), speaking: false);
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await encoder.WriteAsync(odd, default));
        Assert.Contains("even", ex.Message);
        Assert.Throws<ObjectDisposedException>(() => odd.Video.Pixels.Length);

        encoder.Dispose();
        Drain(sub);
        await sub.Packets.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await encoder.WriteAsync(TestPattern.Frame(2, 160, 120), default));
        Assert.Throws<ArgumentException>(() => new SessionMediaEncoder("x").Subscribe([]));
    }

    [Fact]
    public async Task Frame_size_change_reopens_the_encoder_with_a_keyframe()
    {
        using var encoder = new SessionMediaEncoder("resize");
        var sub = encoder.Subscribe([MediaCodec.H264]);
        for (int i = 0; i < 10; i++)
        {
            await encoder.WriteAsync(TestPattern.Frame(i, i < 5 ? 160 : 320, i < 5 ? 120 : 240), default);
        }

        var keys = Drain(sub).Where(p => p.IsKeyFrame).Select(p => p.PtsMicroseconds / 40_000).ToArray();
        Assert.Equal(new long[] { 0, 5 }, keys);
        Assert.Equal((320, 240), encoder.VideoSize);
    }

    [Fact]
    public async Task An_inline_reader_sends_on_the_encoding_thread_and_a_plain_one_does_not()
    {
        using var encoder = new SessionMediaEncoder("inline");
        var inline = encoder.Subscribe([MediaCodec.Opus], inlineReader: true);
        var plain = encoder.Subscribe([MediaCodec.Opus]);
        var inlineThreads = new List<int>();
        var plainThreads = new List<int>();
        var inlineLoop = ReadThreadsAsync(inline, inlineThreads);
        var plainLoop = ReadThreadsAsync(plain, plainThreads);

        var writer = new Thread(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                encoder.WriteAsync(TestPattern.Frame(i, 160, 120), default).AsTask().GetAwaiter().GetResult();
                Thread.Sleep(20); // let the plain reader wait again, as a real peer does between slots
            }
        });
        writer.Start();
        writer.Join();
        encoder.Dispose();
        await Task.WhenAll(inlineLoop, plainLoop).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(10, inlineThreads.Count);
        Assert.All(inlineThreads, id => Assert.Equal(writer.ManagedThreadId, id));
        Assert.Equal(10, plainThreads.Count);
        Assert.DoesNotContain(writer.ManagedThreadId, plainThreads);
    }

    private static async Task ReadThreadsAsync(IEncodedMediaSubscription subscription, List<int> threads)
    {
        while (await subscription.Packets.WaitToReadAsync().ConfigureAwait(false))
        {
            while (subscription.Packets.TryRead(out _))
            {
                threads.Add(Environment.CurrentManagedThreadId);
            }
        }
    }

    internal static List<EncodedPacket> Drain(IEncodedMediaSubscription subscription)
    {
        var list = new List<EncodedPacket>();
        while (subscription.Packets.TryRead(out var packet))
        {
            list.Add(packet);
        }

        return list;
    }
}
