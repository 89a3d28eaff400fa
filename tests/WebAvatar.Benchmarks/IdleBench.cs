using System.Diagnostics;
using System.Globalization;
using WebAvatar.Media;
using WebAvatar.Media.Session;
using WebAvatar.Pipeline.Session;
using WebAvatar.Testing;

namespace WebAvatar.Benchmarks;

/// <summary>
/// `bench idle [seconds]`: what one session's video costs while it listens and while it speaks, render and encode together
/// (the parametric renderer on the default avatar, H.264 + Opus as a WebRTC viewer gets them), paced at 25 fps on this
/// machine: CPU in percent of one core. Idle is measured with each pose held for 1, 2 and 3 slots (<see cref="IdleFrames"/>,
/// `Pipeline:IdleFrameHold`), and once the session encoder has recorded the avatar's idle loop and replays it (what a session
/// that listens for longer than a loop and a bit costs). Writes bench-results/idle.md.
/// </summary>
internal static class IdleBench
{
    public static void Register() => BenchCommands.Register("idle", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        int frames = (int)(seconds * MediaTiming.VideoFps);
        using var renderer = LipSyncBench.CreateRenderer();
        var rows = new List<(string Phase, Measured Result)>();

        await MeasureAsync("warm-up", i => ValueTask.FromResult(renderer.RenderIdle(i)), MediaTiming.VideoFps * 2); // JIT, encoder open
        foreach (int hold in new[] { 1, 2, 3 })
        {
            using var idle = new IdleFrames(renderer, hold);
            var measured = await MeasureAsync($"idle, pose held {hold}", i => ValueTask.FromResult(idle.Render(i)), frames);
            rows.Add(($"idle, each pose held {hold} slot{(hold > 1 ? "s" : string.Empty)}", measured));
        }

        // The idle loop: slots reach the encoder as a session's pacer sends them (drawn only if the encoder reads the picture).
        // The first loop is recorded unpaced, then the replay is measured in real time.
        {
            int loop = renderer.IdleLoopFrames;
            using var idle = new IdleFrames(renderer, 2);
            using var encoder = new SessionMediaEncoder("bench-idle-loop");
            var subscription = encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus], 4096);
            Func<long, VideoFrame> draw = idle.Render;
            AvFrame Slot(long i) => new(i, (int)(i % loop), loop, draw);
            for (long i = 0; i < 2 * loop; i++)
            {
                await encoder.WriteAsync(Slot(i), CancellationToken.None);
                while (subscription.Packets.TryRead(out _))
                {
                }
            }

            var measured = await MeasureAsync("idle, loop replayed", Slot, frames, encoder, subscription, firstIndex: 2 * loop);
            rows.Add(($"idle, recorded {loop / MediaTiming.VideoFps} s loop replayed ({encoder.ReplayedCount(MediaCodec.H264)} of {encoder.FramesWritten - (2 * loop)} slots)", measured));
        }

        // Speaking: each frame lip-synced from synthetic speech as it is needed, as a session's render stage does.
        await using var speech = renderer.RenderSpeechAsync(LipSyncBench.SyntheticSpeech(frames), 100_000, CancellationToken.None).GetAsyncEnumerator();
        var speaking = await MeasureAsync("speaking", async _ => await speech.MoveNextAsync() ? speech.Current : throw new InvalidOperationException("The speech clip ran out."), frames);
        rows.Add(("speaking (lip-synced frames)", speaking));

        var lines = new List<string>
        {
            $"# bench idle: one session's video, render + encode, paced at 25 fps",
            string.Empty,
            $"`bench idle {seconds.ToString(CultureInfo.InvariantCulture)}`, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {renderer.Width}x{renderer.Height}, parametric renderer, H.264 (veryfast, zerolatency, 1200 kb/s) + Opus, {frames} frames per row.",
            string.Empty,
            "| phase | CPU (% of one core) | render + encode (ms per frame) | H.264 kb/s | key frames |",
            "|---|---|---|---|---|",
        };
        lines.AddRange(rows.Select(r => $"| {r.Phase} | {r.Result.CpuPercent:F1} | {r.Result.MsPerFrame:F2} | {r.Result.VideoKbps:F0} | {r.Result.KeyFrames} |"));
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        string path = Path.Combine(RepoPaths.Root, "bench-results", "idle.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllLinesAsync(path, lines);
        Console.WriteLine($"wrote {path}");
    }

    private sealed record Measured(double CpuPercent, double MsPerFrame, double VideoKbps, int KeyFrames);

    /// <summary>Renders (or takes) and encodes <paramref name="frames"/> frames at 25 fps: process CPU, busy time per frame, H.264 bit rate and key frames.</summary>
    private static async Task<Measured> MeasureAsync(string label, Func<long, ValueTask<VideoFrame>> next, int frames)
    {
        using var encoder = new SessionMediaEncoder("bench-idle-" + label);
        var subscription = encoder.Subscribe([MediaCodec.H264, MediaCodec.Opus], 4096);
        return await MeasureAsync(label, async i => new AvFrame(i, await next(i), speaking: false), frames, encoder, subscription);
    }

    private static Task<Measured> MeasureAsync(string label, Func<long, AvFrame> slot, int frames, SessionMediaEncoder encoder, IEncodedMediaSubscription subscription, long firstIndex) =>
        MeasureAsync(label, i => ValueTask.FromResult(slot(i + firstIndex)), frames, encoder, subscription);

    private static async Task<Measured> MeasureAsync(string label, Func<long, ValueTask<AvFrame>> slot, int frames, SessionMediaEncoder encoder, IEncodedMediaSubscription subscription)
    {
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        double busy = 0;
        long videoBytes = 0;
        int keyFrames = 0;
        for (int i = 0; i < frames; i++)
        {
            var wait = TimeSpan.FromMilliseconds(i * MediaTiming.VideoFrameMs) - wall.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            long t0 = Stopwatch.GetTimestamp();
            await encoder.WriteAsync(await slot(i), CancellationToken.None);
            busy += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            while (subscription.Packets.TryRead(out var packet))
            {
                if (packet.Codec == MediaCodec.H264)
                {
                    videoBytes += packet.Data.Length;
                    keyFrames += packet.IsKeyFrame ? 1 : 0;
                }
            }
        }

        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / wall.Elapsed.TotalMilliseconds * 100;
        var measured = new Measured(cpu, busy / frames, videoBytes * 8.0 / 1000 / (frames / (double)MediaTiming.VideoFps), keyFrames);
        Console.WriteLine($"{label}: {measured}");
        return measured;
    }
}
