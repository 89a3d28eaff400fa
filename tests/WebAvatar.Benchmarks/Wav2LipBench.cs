using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Preprocessing;
using WebAvatar.LipSync.Wav2Lip;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.Benchmarks;

/// <summary>
/// `bench wav2lip [threads]`: inference fps of a real-size Wav2Lip network (random weights, tools/gen_wav2lip_model.py
/// --real-size, cached in .cache/) at batch 1, 8 and 16, then the whole renderer on the default avatar: latency to the
/// first speech frame and real-time factor. Random weights cost exactly what trained ones do.
/// </summary>
internal static class Wav2LipBench
{
    public static void Register() => BenchCommands.Register("wav2lip", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        int threads = args.Length > 0 && int.TryParse(args[0], out var t) ? t : 0;
        var root = AppPaths.ContentRoot;
        var model = Path.Combine(root, ".cache", "wav2lip_real_size.onnx");
        if (!File.Exists(model))
        {
            Console.WriteLine($"generating {model} ...");
            Directory.CreateDirectory(Path.GetDirectoryName(model)!);
            using var process = Process.Start("/usr/bin/python3", [Path.Combine(root, "tools", "gen_wav2lip_model.py"), "--real-size", "-o", model]);
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("tools/gen_wav2lip_model.py failed (needs Debian python3-onnx).");
            }
        }

        Console.WriteLine($"Wav2Lip real-size model (~7.9 GFLOP per 96 px frame), {Environment.ProcessorCount} cores, intra-op threads {(threads == 0 ? "auto" : threads)}, " +
                          $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        var options = new Wav2LipOptions { ModelPath = model, IntraOpThreads = threads };
        using (var loaded = Wav2LipModel.Load(model, options, NullLogger.Instance))
        {
            // CPU time shows the cost apart from contention: on a shared machine wall time can be far above it.
            Console.WriteLine("| batch | ms / batch | ms / frame | fps | CPU ms / frame |");
            Console.WriteLine("|---:|---:|---:|---:|---:|");
            foreach (int batch in new[] { 1, 8, 16 })
            {
                using var inference = new Wav2LipInference(loaded, batch);
                for (int i = 0; i < batch; i++)
                {
                    inference.Faces(i).Fill(0.5f);
                    inference.Mel(i).Fill(-1f);
                }

                inference.Run(batch); // warm-up
                int runs = 0;
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                while (runs < 3 || watch.Elapsed < TimeSpan.FromSeconds(4))
                {
                    inference.Run(batch);
                    runs++;
                }

                double msPerBatch = watch.Elapsed.TotalMilliseconds / runs;
                double cpuPerFrame = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / (runs * batch);
                Console.WriteLine($"| {batch} | {msPerBatch:0.0} | {msPerBatch / batch:0.0} | {1000 * batch / msPerBatch:0.0} | {cpuPerFrame:0} |");
            }
        }

        StagesWithoutInference();
        await RendererAsync(model, threads, root);
    }

    /// <summary>Mel per second of audio and paste per frame: the renderer's own cost around the model.</summary>
    private static void StagesWithoutInference()
    {
        var audio = new short[MediaTiming.PipelineSampleRate * 10];
        for (int i = 0; i < audio.Length; i++)
        {
            audio[i] = (short)(5000 * Math.Sin(i * 0.05) + 3000 * Math.Sin(i * 0.31));
        }

        Wav2LipMelSpectrogram.Compute(audio.AsSpan(0, 16000));
        var watch = Stopwatch.StartNew();
        Wav2LipMelSpectrogram.Compute(audio);
        Console.WriteLine($"mel: {watch.Elapsed.TotalMilliseconds / 10:0.0} ms per second of audio");

        const int width = 512, size = 96;
        var frame = new byte[width * width * 3];
        var output = new float[3 * size * size];
        Array.Fill(output, 0.5f);
        var box = new FaceBox(150, 80, 350, 310);
        var paster = new FacePaster();
        paster.Paste(frame, width, box, output, size);
        watch.Restart();
        for (int i = 0; i < 100; i++)
        {
            paster.Paste(frame, width, box, output, size);
        }

        Console.WriteLine($"paste: {watch.Elapsed.TotalMilliseconds / 100:0.00} ms per frame (box {box.Width}x{box.Height})");
    }

    private static async Task RendererAsync(string model, int threads, string root)
    {
        var avatarPath = Path.Combine(root, "wwwroot-assets", "avatars", "default", "avatar.png");
        var cache = Path.Combine(Path.GetTempPath(), "webavatar-bench-avatar-cache");
        var preprocessor = new AvatarPreprocessor(Options.Create(new AvatarPreprocessingOptions { CacheDirectory = cache }), new HaarFaceDetector(), new FfmpegRunner(), NullLogger<AvatarPreprocessor>.Instance);
        foreach (int batch in new[] { 4, 8 })
        {
            var options = new Wav2LipOptions { ModelPath = model, IntraOpThreads = threads, BatchSize = batch, FirstBatchSize = 1 };
            using var factory = new Wav2LipRendererFactory(Options.Create(options), preprocessor, NullLogger<Wav2LipRendererFactory>.Instance);
            using var renderer = await factory.CreateRendererAsync(avatarPath, CancellationToken.None);
            var samples = new short[MediaTiming.PipelineSampleRate * 4];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = (short)(6000 * Math.Sin(2 * Math.PI * 150 * i / 16000.0) * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 3 * i / 16000.0)));
            }

            var clip = new SpeechClip(samples, [], "bench");
            await foreach (var warm in renderer.RenderSpeechAsync(new SpeechClip(samples[..3200], [], "warm"), 0, CancellationToken.None))
            {
                warm.Dispose();
            }

            double firstFrameMs = 0;
            int frames = 0;
            var watch = Stopwatch.StartNew();
            await foreach (var frame in renderer.RenderSpeechAsync(clip, 0, CancellationToken.None))
            {
                if (frames++ == 0)
                {
                    firstFrameMs = watch.Elapsed.TotalMilliseconds;
                }

                frame.Dispose();
            }

            double seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine($"renderer {renderer.Width}x{renderer.Height}, batch {batch} (first 1): first frame {firstFrameMs:0} ms, " +
                              $"{frames} frames in {seconds:0.00} s = {frames / seconds:0.0} fps (real-time needs 25)");
        }
    }
}
