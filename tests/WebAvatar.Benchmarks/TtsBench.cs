using System.Diagnostics;
using Microsoft.Extensions.AI;
using WebAvatar.Speech;
using WebAvatar.Speech.Synthesis;
using WebAvatar.Speech.Synthesis.Espeak;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Benchmarks;

/// <summary>
/// `bench tts [runs]`: first-audio latency and real-time factor per engine on this CPU, streaming as the pipeline
/// does. Piper runs on a generated voice with the size and cost of a Piper "medium" voice (tools/gen_piper_model.py
/// --size bench: ~16M parameters, HiFi-GAN-like x256 upsampling), not a trained one: timing only.
/// </summary>
internal static class TtsBench
{
    private static readonly (string Name, string Text)[] Texts =
    [
        ("short", "Hello there, how are you today?"),
        ("medium", "The weather is lovely this afternoon, so I think we should take a walk in the park before dinner."),
        ("3 sentences", "Thanks for asking. I can help you with that right away. First, tell me which city you are travelling to."),
    ];

    public static async Task RunAsync(string[] args)
    {
        int runs = args.Length > 0 && int.TryParse(args[0], out int r) ? r : 7;
        Console.WriteLine($"TTS: {runs} runs per row, median (p90). CPU: {Environment.ProcessorCount} logical cores.");
        Console.WriteLine($"{"engine",-22} {"text",-12} {"audio s",8} {"first ms",16} {"total ms",16} {"RTF",14}");

        using (var espeak = new EspeakTextToSpeechClient())
        {
            await MeasureAsync("espeak-ng", espeak, runs);
            await MeasureConcurrentAsync("espeak-ng x4 parallel", espeak, runs);
        }

        string folder = GeneratePiperVoice();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                using var piper = new PiperTextToSpeechClient(new PiperOptions { ModelDirectory = folder, IntraOpThreads = threads }, "bench-medium");
                await piper.GetAudioAsync("Warm up.");
                await MeasureAsync($"piper 16M ({threads} thr)", piper, runs);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task MeasureAsync(string engine, ITextToSpeechClient client, int runs)
    {
        foreach (var (name, text) in Texts)
        {
            var samples = new List<Sample>();
            for (int i = 0; i < runs; i++)
            {
                samples.Add(await RunOnceAsync(client, text));
            }

            Print(engine, name, samples);
        }
    }

    private static async Task MeasureConcurrentAsync(string engine, ITextToSpeechClient client, int runs)
    {
        var samples = new List<Sample>();
        for (int i = 0; i < runs; i++)
        {
            samples.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => RunOnceAsync(client, Texts[2].Text)))));
        }

        Print(engine, Texts[2].Name, samples);
    }

    private static async Task<Sample> RunOnceAsync(ITextToSpeechClient client, string text)
    {
        var clock = Stopwatch.StartNew();
        double first = 0;
        double seconds = 0;
        await foreach (var update in client.GetStreamingAudioAsync(text))
        {
            if (seconds == 0)
            {
                first = clock.Elapsed.TotalMilliseconds;
            }

            var audio = update.Contents.OfType<DataContent>().Single();
            PcmAudioContent.TryGetSampleRate(audio, out int rate);
            seconds += PcmAudioContent.GetSamples(audio).Length / (double)rate;
        }

        return new Sample(first, clock.Elapsed.TotalMilliseconds, seconds);
    }

    private static void Print(string engine, string text, List<Sample> samples)
    {
        string Stat(Func<Sample, double> pick, string format)
        {
            var sorted = samples.Select(pick).Order().ToArray();
            double median = sorted[sorted.Length / 2];
            double p90 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.9) - 1)];
            return $"{median.ToString(format)} ({p90.ToString(format)})";
        }

        Console.WriteLine(
            $"{engine,-22} {text,-12} {samples[0].AudioSeconds,8:F2} {Stat(s => s.FirstMs, "F1"),16} {Stat(s => s.TotalMs, "F0"),16} {Stat(s => s.TotalMs / 1000 / s.AudioSeconds, "F3"),14}");
    }

    private static string GeneratePiperVoice()
    {
        string root = WebAvatar.Testing.RepoPaths.Root;

        string folder = Directory.CreateTempSubdirectory("webavatar-piper-bench").FullName;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(root, "tools", "gen_piper_model.py"), Path.Combine(folder, "bench-medium.onnx"), "--size", "bench" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("gen_piper_model.py failed: " + output);
        }

        Console.WriteLine("generated Piper-sized voice: " + output.Trim());
        return folder;
    }

    private readonly record struct Sample(double FirstMs, double TotalMs, double AudioSeconds);
}
