using System.Diagnostics;
using WebAvatar.Media;
using WebAvatar.Media.Session;

namespace WebAvatar.Benchmarks;

/// <summary>
/// `bench encode [seconds] [size]`: the session encoder at 512x512 (default), 25 fps.
/// 1) real time: ms per frame (H.264 + Opus + AAC, i.e. WebRTC + RTMP) and process CPU% while paced at 25 fps;
/// 2) flat out: the same frames with 1 and with 5 subscribers, to show fan-out costs no extra encoding.
/// </summary>
internal static class EncodeBench
{
    public static void Register() => BenchCommands.Register("encode", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        int size = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 512;
        int frames = (int)(seconds * MediaTiming.VideoFps);
        var pictures = MakePictures(size, MediaTiming.VideoFps * 2);
        Console.WriteLine($"Session encoder, {size}x{size} @ {MediaTiming.VideoFps} fps, H.264 veryfast/zerolatency 1200 kb/s 1 thread + Opus + AAC, {Environment.ProcessorCount} cores");

        // Warm-up (JIT, encoder open).
        await RunFlatOutAsync(pictures, 25, subscribers: 1, MediaCodec.H264);

        using (var encoder = new SessionMediaEncoder("bench-realtime"))
        {
            var subscription = encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus, MediaCodec.Aac], 4096);
            var process = Process.GetCurrentProcess();
            var cpuStart = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var encodeTimes = new List<double>(frames);
            for (int i = 0; i < frames; i++)
            {
                var wait = TimeSpan.FromMilliseconds(i * MediaTiming.VideoFrameMs) - wall.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var frame = Frame(pictures, i);
                long t0 = Stopwatch.GetTimestamp();
                await encoder.WriteAsync(frame, CancellationToken.None);
                encodeTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                while (subscription.Packets.TryRead(out _))
                {
                }
            }

            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / wall.Elapsed.TotalMilliseconds * 100;
            encodeTimes.Sort();
            Console.WriteLine($"real time {frames} frames: encode mean {encodeTimes.Average():F2} ms/frame, p50 {encodeTimes[frames / 2]:F2}, p99 {encodeTimes[(int)(frames * 0.99)]:F2}, max {encodeTimes[^1]:F2}; process CPU {cpu:F1}% of one core ({cpu / Environment.ProcessorCount:F1}% of the machine)");
        }

        var one = await RunFlatOutAsync(pictures, frames, subscribers: 1, MediaCodec.H264, MediaCodec.Opus);
        var five = await RunFlatOutAsync(pictures, frames, subscribers: 5, MediaCodec.H264, MediaCodec.Opus);
        Console.WriteLine($"flat out, 1 subscriber : {one.Ms / frames:F2} ms/frame, {one.Encoded} H.264 frames encoded");
        Console.WriteLine($"flat out, 5 subscribers: {five.Ms / frames:F2} ms/frame, {five.Encoded} H.264 frames encoded");
        Console.WriteLine($"ratio 5/1: encoded frames {(double)five.Encoded / one.Encoded:F2}, time {five.Ms / one.Ms:F2}");
    }

    private static async Task<(double Ms, long Encoded)> RunFlatOutAsync(byte[][] pictures, int frames, int subscribers, params MediaCodec[] codecs)
    {
        using var encoder = new SessionMediaEncoder("bench-flat");
        var subs = Enumerable.Range(0, subscribers).Select(_ => encoder.Subscribe(codecs, 4096)).ToArray();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < frames; i++)
        {
            await encoder.WriteAsync(Frame(pictures, i), CancellationToken.None);
            foreach (var s in subs)
            {
                while (s.Packets.TryRead(out _))
                {
                }
            }
        }

        return (sw.Elapsed.TotalMilliseconds, encoder.EncodedCount(MediaCodec.H264));
    }

    private static AvFrame Frame(byte[][] pictures, long index)
    {
        var picture = pictures[index % pictures.Length];
        int size = (int)Math.Sqrt(picture.Length / 3);
        var video = new VideoFrame(size, size);
        picture.CopyTo(video.Pixels);
        var frame = new AvFrame(index, video, speaking: true);
        var audio = frame.Audio;
        for (int i = 0; i < audio.Length; i++)
        {
            audio[i] = (short)(4000 * Math.Sin(2 * Math.PI * 220 * (index * audio.Length + i) / MediaTiming.PipelineSampleRate));
        }

        return frame;
    }

    /// <summary>A moving face-sized blob over a gradient: motion like a talking head, not noise.</summary>
    private static byte[][] MakePictures(int size, int count)
    {
        var pictures = new byte[count][];
        for (int f = 0; f < count; f++)
        {
            var p = new byte[size * size * 3];
            double cx = size / 2 + size / 8 * Math.Sin(f * 0.2), cy = size / 2 + size / 10 * Math.Cos(f * 0.15);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    int o = (y * size + x) * 3;
                    double d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                    bool face = d < size / 4;
                    p[o] = (byte)(face ? 120 : x * 200 / size);
                    p[o + 1] = (byte)(face ? 150 + (int)(30 * Math.Sin(d / 6 + f)) : y * 200 / size);
                    p[o + 2] = (byte)(face ? 200 : 80);
                }
            }

            pictures[f] = p;
        }

        return pictures;
    }
}
