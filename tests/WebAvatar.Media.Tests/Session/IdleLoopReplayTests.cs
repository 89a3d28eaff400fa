using WebAvatar.Media.Session;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Session;

/// <summary>
/// A listening avatar's idle frames repeat every loop: the session encoder records one loop and then replays its packets, so
/// idle slots are neither drawn nor encoded. The stream must stay one picture per slot on the media clock, decodable from
/// end to end (ffmpeg), with live frames after a replay correct and no more key frames than the regular GOP plus transitions.
/// </summary>
public sealed class IdleLoopReplayTests
{
    private const int Width = 160;
    private const int Height = 128;
    private const int Loop = 120; // key frames at phases 0, 50 and 100: the frame after the loop is not a GOP key frame by chance

    // Idle 0..359, speech 360..379, idle 380..659; a viewer asks for a key frame at 560 (the loop's own key frame at phase 50 is 1.2 s before).
    private const int Slots = 660;
    private const int SpeechStart = 360;
    private const int SpeechEnd = 380;
    private const int KeyRequestAt = 560;

    [Fact]
    public async Task A_listening_session_replays_its_recorded_idle_loop_and_every_slot_decodes()
    {
        using var encoder = new SessionMediaEncoder("idle-loop");
        var viewer = encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus], capacity: 4096);
        var drawn = new List<long>();
        VideoFrame Draw(long index)
        {
            drawn.Add(index);
            var video = new VideoFrame(Width, Height);
            TestPattern.FillPicture(video, index % Loop);
            return video;
        }

        for (long i = 0; i < Slots; i++)
        {
            if (i == KeyRequestAt)
            {
                encoder.RequestKeyFrame(MediaCodec.H264);
            }

            var frame = i is >= SpeechStart and < SpeechEnd
                ? TestPattern.Frame(i, Width, Height)
                : new AvFrame(i, (int)(i % Loop), Loop, Draw);
            await encoder.WriteAsync(frame, default);
        }

        var all = SessionMediaEncoderTests.Drain(viewer);
        var video = all.Where(p => p.Codec == MediaCodec.H264).ToList();
        Assert.Equal(Slots, video.Count);
        Assert.Equal(Enumerable.Range(0, Slots).Select(i => MediaTiming.FrameIndexToMicroseconds(i)), video.Select(p => p.PtsMicroseconds));
        Assert.Equal(2 * Slots, all.Count(p => p.Codec == MediaCodec.Opus));

        // Slots 0..119 are live (at slot 0 the idle run is too short to record), 120..239 record the loop from an IDR,
        // 240..359 replay it. After speech, the replay starts again at the loop's start (480) and ends at the key
        // frame request (560, a live IDR); it comes back at the next loop start (600).
        long[] replayed = [.. Range(240, SpeechStart), .. Range(480, KeyRequestAt), .. Range(600, Slots)];
        Assert.Equal(replayed.Length, encoder.ReplayedCount(MediaCodec.H264));
        long[] expectedDrawn = [.. Range(0, 240), .. Range(SpeechEnd, 480), .. Range(KeyRequestAt, 600)];
        Assert.Equal(expectedDrawn, drawn);
        for (int phase = 0; phase < Loop; phase++)
        {
            Assert.True(video[240 + phase].Data.Span.SequenceEqual(video[120 + phase].Data.Span), $"replayed phase {phase} differs from the recording");
        }

        foreach (int key in new[] { 120, 240, SpeechStart, 480, KeyRequestAt, 600 })
        {
            Assert.True(video[key].IsKeyFrame, $"slot {key} must be a key frame");
        }

        int keyFrames = video.Count(p => p.IsKeyFrame);
        Assert.True(keyFrames <= (Slots / 50) + 6, $"{keyFrames} key frames in {Slots} slots: a key frame storm");

        var decoded = await DecodeAllAsync(video);
        Assert.Equal(Slots, decoded.Count);
        foreach (int slot in new[] { 150, 250, 370, 400, 500, 570, 620, 659 })
        {
            using var expected = new VideoFrame(Width, Height);
            TestPattern.FillPicture(expected, slot is >= SpeechStart and < SpeechEnd ? slot : slot % Loop);
            double error = MeanAbsoluteError(decoded[slot], expected.Pixels);
            Assert.True(error < 6, $"slot {slot} decodes to a different picture (mean error {error:F1})");
        }
    }

    [Fact]
    public async Task Without_a_viewer_nothing_is_drawn_and_a_new_viewer_starts_live_with_a_key_frame()
    {
        using var encoder = new SessionMediaEncoder("idle-loop-viewer");
        int drawn = 0;
        VideoFrame Draw(long index)
        {
            drawn++;
            var video = new VideoFrame(Width, Height);
            TestPattern.FillPicture(video, index % Loop);
            return video;
        }

        var first = encoder.Subscribe([MediaCodec.H264], capacity: 4096);
        for (long i = 0; i < 250; i++)
        {
            await encoder.WriteAsync(new AvFrame(i, (int)(i % Loop), Loop, Draw), default);
        }

        first.Dispose();
        for (long i = 250; i < 280; i++)
        {
            await encoder.WriteAsync(new AvFrame(i, (int)(i % Loop), Loop, Draw), default);
        }

        Assert.Equal(240, drawn);
        var second = encoder.Subscribe([MediaCodec.H264], capacity: 4096);
        await encoder.WriteAsync(new AvFrame(280, 80, Loop, Draw), default);
        var packet = Assert.Single(SessionMediaEncoderTests.Drain(second));
        Assert.True(packet.IsKeyFrame, "a new viewer mid-loop gets a live key frame, not a replayed P frame");
        Assert.Equal(241, drawn);
    }

    private static long[] Range(int from, int to) => [.. Enumerable.Range(from, to - from).Select(i => (long)i)];

    private static async Task<List<byte[]>> DecodeAllAsync(List<EncodedPacket> packets)
    {
        var folder = Tools.TempDirectory("idle-loop");
        var file = Path.Combine(folder, "video.h264");
        await using (var stream = File.Create(file))
        {
            foreach (var packet in packets)
            {
                await stream.WriteAsync(packet.Data);
            }
        }

        var (exit, _, errors) = await Tools.RunAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"], TimeSpan.FromSeconds(60));
        Assert.True(exit == 0 && errors.Length == 0, $"ffmpeg reports decoding errors: {errors}");
        var bgr = await Tools.RunBinaryAsync("ffmpeg", ["-v", "error", "-i", file, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], TimeSpan.FromSeconds(60));
        int size = Width * Height * 3;
        return [.. bgr.Chunk(size).Where(c => c.Length == size)];
    }

    private static double MeanAbsoluteError(byte[] decoded, ReadOnlySpan<byte> expected)
    {
        long sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            sum += Math.Abs(decoded[i] - expected[i]);
        }

        return sum / (double)expected.Length;
    }
}
