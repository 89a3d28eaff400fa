using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;
using WebAvatar.Speech;
using WebAvatar.Testing;

namespace WebAvatar.Benchmarks;

/// <summary>
/// Cost of one parametric lip-sync frame on the default avatar (512x512): idle, and speech with the mouth moving.
/// `bench lipsync` prints latency percentiles; the BenchmarkDotNet class gives the precise mean and allocations.
/// </summary>
[MemoryDiagnoser]
public class LipSyncBenchmarks
{
    private const int SpeechFrames = 25;
    private ParametricAvatarRenderer _renderer = null!;
    private SpeechClip _clip = null!;
    private long _frameIndex;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = LipSyncBench.CreateRenderer();
        _clip = LipSyncBench.SyntheticSpeech(SpeechFrames);
    }

    [GlobalCleanup]
    public void Cleanup() => _renderer.Dispose();

    [Benchmark]
    public void RenderIdle() => _renderer.RenderIdle(_frameIndex++).Dispose();

    [Benchmark(OperationsPerInvoke = SpeechFrames)]
    public async Task RenderSpeechFrame()
    {
        await foreach (var frame in _renderer.RenderSpeechAsync(_clip, _frameIndex, CancellationToken.None))
        {
            frame.Dispose();
        }

        _frameIndex += SpeechFrames;
    }
}

internal static class LipSyncBench
{
    public static async Task RunAsync(string[] args)
    {
        int frames = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 500;
        using var renderer = CreateRenderer();
        var clip = SyntheticSpeech(frames);

        for (int i = 0; i < 50; i++)
        {
            renderer.RenderIdle(i).Dispose(); // warm up JIT and caches
        }

        var idle = new List<double>(frames);
        for (int i = 0; i < frames; i++)
        {
            long start = Stopwatch.GetTimestamp();
            renderer.RenderIdle(1000 + i).Dispose();
            idle.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var speech = new List<double>(frames);
        long frameStart = Stopwatch.GetTimestamp();
        await foreach (var frame in renderer.RenderSpeechAsync(clip, 5000, CancellationToken.None))
        {
            frame.Dispose();
            speech.Add(Stopwatch.GetElapsedTime(frameStart).TotalMilliseconds);
            frameStart = Stopwatch.GetTimestamp();
        }

        Console.WriteLine($"parametric lip-sync, {renderer.Width}x{renderer.Height}, {frames} frames each, budget 40 ms per frame at 25 fps");
        Console.WriteLine($"{"kind",-8} {"mean ms",8} {"p50",8} {"p95",8} {"max",8} {"fps (1 core)",13}");
        Print("idle", idle);
        Print("speech", speech);
    }

    public static ParametricAvatarRenderer CreateRenderer()
    {
        var root = RepoPaths.Root;
        var avatar = Path.Combine(root, "wwwroot-assets", "avatars", "default", "avatar.png");
        if (!File.Exists(avatar))
        {
            throw new FileNotFoundException($"Default avatar missing at {avatar}: run `SKIP_RESTORE=1 ./scripts/setup.sh` first.");
        }

        var factory = new ParametricAvatarRendererFactory(Path.Combine(Path.GetTempPath(), "webavatar-bench-avatar-cache"), new HaarFaceDetector());
        return factory.CreateParametricAsync(avatar, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A voiced-sounding signal with syllable-rate loudness changes and cycling visemes.</summary>
    public static SpeechClip SyntheticSpeech(int frames)
    {
        var samples = new short[frames * MediaTiming.SamplesPerVideoFrame];
        for (int i = 0; i < samples.Length; i++)
        {
            double t = i / (double)MediaTiming.PipelineSampleRate;
            double envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 4 * t);
            samples[i] = (short)(9000 * envelope * (Math.Sin(2 * Math.PI * 160 * t) + 0.4 * Math.Sin(2 * Math.PI * 480 * t)) / 1.4);
        }

        Viseme[] cycle = [Viseme.Open, Viseme.Wide, Viseme.Round, Viseme.Closed, Viseme.Neutral, Viseme.Teeth];
        var marks = Enumerable.Range(0, frames / 2).Select(k => new PhonemeMark(k * 2 * MediaTiming.SamplesPerVideoFrame, "x", cycle[k % cycle.Length])).ToList();
        return new SpeechClip(samples, marks, "synthetic");
    }

    private static void Print(string kind, List<double> ms)
    {
        ms.Sort();
        double mean = ms.Average();
        Console.WriteLine($"{kind,-8} {mean,8:F2} {ms[ms.Count / 2],8:F2} {ms[(int)(ms.Count * 0.95)],8:F2} {ms[^1],8:F2} {1000 / mean,13:F0}");
    }
}
