using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Speech.Recognition;
using WebAvatar.Testing;
using Whisper.net;

namespace WebAvatar.Benchmarks;

/// <summary>
/// `bench asr [--sizes tiny,base] [--seconds 1.5,3,6] [--runs 7] [--tokens-per-second 4]`: the two ASR engines side by
/// side in one run, on the same utterances and the same weights: Whisper on ONNX Runtime (<see cref="WhisperRecognizer"/>)
/// and whisper.cpp through Whisper.net (<see cref="WhisperNetRecognizer"/>) at the full 30 s audio context and trimmed to
/// the utterance. Every decode goes through <see cref="IUtteranceRecognizer.TranscribeAsync"/>, as the app calls it.
/// Models: tools/gen_whisper_model.py --tie-lm-head (random weights), converted to ggml by tools/gen_whisper_ggml.py
/// --from-onnx, cached under .cache/bench-asr. Random weights never emit end-of-text, so both engines run to the same
/// token cap (tokens per second of audio, about what speech yields); the table shows the tokens each produced.
/// Writes bench-results/asr.md and prints it.
/// </summary>
internal static class AsrBench
{
    private const int SampleRate = 16_000;

    // espeak-ng sentences a little longer than each length (the audio is cut to the exact length).
    private static readonly (double Seconds, string Text)[] Sentences =
    [
        (1.5, "Hello, can you hear me now?"),
        (3, "What is the weather going to be like in Berlin tomorrow?"),
        (6, "Could you tell me the way to the railway station? I have to catch the train at half past seven tonight."),
        (10, "I would like to book a table for four people on Friday evening, somewhere quiet near the river, and please let me know whether they have vegetarian dishes on the menu."),
    ];

    public static void Register() => BenchCommands.Register("asr", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        var sizes = Option(args, "--sizes", "tiny,base").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var lengths = Option(args, "--seconds", "1.5,3,6").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var runs = int.Parse(Option(args, "--runs", "7"), CultureInfo.InvariantCulture);
        var tokensPerSecond = double.Parse(Option(args, "--tokens-per-second", "4"), CultureInfo.InvariantCulture);
        var command = "dotnet run -c Release --project tests/WebAvatar.Benchmarks -- bench asr" + (args.Length > 0 ? " " + string.Join(' ', args) : string.Empty);

        var loadAtStart = LoadAverage();
        var (utterances, audioSource) = MakeUtterances(lengths);
        Console.WriteLine($"ASR engines side by side: {string.Join(", ", sizes)}; utterances {string.Join(", ", lengths.Select(l => $"{l:0.#} s"))} ({audioSource}); {runs} runs each; load {loadAtStart}");

        var rows = new List<Row>();
        foreach (var size in sizes)
        {
            var (onnxDir, ggmlPath) = EnsureModels(size);
            rows.AddRange(await MeasureSizeAsync(size, onnxDir, ggmlPath, utterances, runs, tokensPerSecond));
        }

        var report = Report(rows, sizes, utterances, runs, tokensPerSecond, audioSource, command, loadAtStart);
        var path = Path.Combine(RepoPaths.Root, "bench-results", "asr.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report);
        Console.WriteLine();
        Console.WriteLine(report);
        Console.WriteLine($"written to {path}");
    }

    private sealed record Utterance(double Seconds, float[] Audio, int TokenCap);

    private sealed record Engine(string Name, string Context, IUtteranceRecognizer Recognizer);

    private sealed record Row(string Size, string Engine, string Context, double Seconds, int TokenCap, double WallMs, double CpuMs, double Tokens, string Sample)
    {
        /// <summary>ONNX only (Whisper.net does not split its time): median encoder and decoder ms.</summary>
        public (double EncoderMs, double DecoderMs)? Split { get; init; }

        public double Rtf => WallMs / (Seconds * 1000);
    }

    private static async Task<List<Row>> MeasureSizeAsync(
        string size, string onnxDir, string ggmlPath, IReadOnlyList<(double Seconds, float[] Audio)> audio, int runs, double tokensPerSecond)
    {
        // One recognizer per token cap (the cap is a recognizer option); the ONNX ones share one loaded model and the
        // Whisper.net ones one factory, as the app shares them between sessions.
        var utterances = audio.Select(a => new Utterance(a.Seconds, a.Audio, Math.Max(1, (int)Math.Round(a.Seconds * tokensPerSecond)))).ToArray();
        WhisperOptions Options(int cap, bool trim) => new() { Language = "en", MaxNewTokens = cap, TrimAudioContext = trim, MaxConcurrentDecodes = 1 };

        var files = WhisperModelLocator.Probe(onnxDir, false) ?? throw new InvalidOperationException("incomplete model in " + onnxDir);
        using var onnxModel = WhisperOnnxModel.Load(files, Options(1, false), NullLogger.Instance);
        using var factory = WhisperFactory.FromPath(ggmlPath);
        var engines = new Dictionary<Utterance, Engine[]>();
        var netRecognizers = new List<WhisperNetRecognizer>();
        foreach (var u in utterances)
        {
            var full = new WhisperNetRecognizer(factory, ggmlPath, Options(u.TokenCap, false));
            var trimmed = new WhisperNetRecognizer(factory, ggmlPath, Options(u.TokenCap, true));
            netRecognizers.AddRange([full, trimmed]);
            engines[u] =
            [
                new(WhisperRecognizer.Name, "30 s (fixed)", new WhisperRecognizer(onnxModel, Options(u.TokenCap, false))),
                new(WhisperNetRecognizer.Name, "30 s (full)", full),
                new(WhisperNetRecognizer.Name, $"trimmed: {trimmed.AudioContextFor(u.Audio.Length) / (double)WhisperAudioContext.FramesPerSecond:0.##} s", trimmed),
            ];
        }

        try
        {
            var wall = new Dictionary<(Utterance, Engine), List<double>>();
            var cpu = new Dictionary<(Utterance, Engine), List<double>>();
            var tokens = new Dictionary<(Utterance, Engine), List<int>>();
            var samples = new Dictionary<(Utterance, Engine), string>();
            var encoderMs = new Dictionary<(Utterance, Engine), List<double>>();
            var decoderMs = new Dictionary<(Utterance, Engine), List<double>>();

            // Warm-up (first-decode set-up, allocations), then the runs round-robin over engines and utterances so that
            // load from other processes on this shared machine spreads over all of them alike.
            for (var run = -1; run < runs; run++)
            {
                foreach (var u in utterances)
                {
                    foreach (var engine in engines[u])
                    {
                        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                        var clock = Stopwatch.StartNew();
                        var result = await engine.Recognizer.TranscribeAsync(u.Audio, RecognitionPass.Final, CancellationToken.None);
                        var wallMs = clock.Elapsed.TotalMilliseconds;
                        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
                        if (run < 0)
                        {
                            samples[(u, engine)] = result.Text;
                            continue;
                        }

                        Add(wall, (u, engine), wallMs);
                        Add(cpu, (u, engine), cpuMs);
                        Add(tokens, (u, engine), result.Tokens.Count);
                        if (result.EncoderTime > TimeSpan.Zero)
                        {
                            Add(encoderMs, (u, engine), (result.FeatureTime + result.EncoderTime).TotalMilliseconds);
                            Add(decoderMs, (u, engine), result.DecoderTime.TotalMilliseconds);
                        }
                    }
                }

                Console.WriteLine(run < 0 ? $"  {size}: warmed up" : $"  {size}: run {run + 1}/{runs} done");
            }

            var rows = new List<Row>();
            foreach (var u in utterances)
            {
                foreach (var engine in engines[u])
                {
                    var key = (u, engine);
                    var row = new Row(size, engine.Name, engine.Context, u.Seconds, u.TokenCap, Readings.Median(wall[key]), Readings.Median(cpu[key]), tokens[key].Average(), samples[key])
                    {
                        Split = encoderMs.TryGetValue(key, out var enc) ? (Readings.Median(enc), Readings.Median(decoderMs[key])) : null,
                    };
                    rows.Add(row);
                    Console.WriteLine($"  {size,-5} {engine.Name,-15} {engine.Context,-16} {u.Seconds,4:0.#} s  {row.WallMs,7:0} ms  RTF {row.Rtf,5:0.000}  cpu {row.CpuMs,6:0} ms  tokens {row.Tokens:0.#}/{u.TokenCap}");
                }
            }

            return rows;
        }
        finally
        {
            foreach (var recognizer in netRecognizers)
            {
                recognizer.Dispose();
            }
        }
    }

    private static string Report(
        List<Row> rows, string[] sizes, IReadOnlyList<(double Seconds, float[] Audio)> utterances, int runs, double tokensPerSecond,
        string audioSource, string command, string loadAtStart)
    {
        var ic = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# ASR engines side by side: Whisper on ONNX Runtime vs whisper.cpp (Whisper.net)");
        md.AppendLine();
        md.AppendLine(ic, $"- date: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}; machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; load average {loadAtStart} at start, {LoadAverage()} at the end (shared machine: wall times are inflated when it exceeds the core count; cpu ms is the work done)");
        md.AppendLine(ic, $"- command: `{command}`");
        md.AppendLine(ic, $"- runtimes: ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version} (CPU provider, default threads), Whisper.net {typeof(WhisperFactory).Assembly.GetName().Version} ({WhisperFactory.GetRuntimeInfo()?.Trim() ?? "runtime unknown"}; {WhisperNetRecognizer.DefaultThreads(Environment.ProcessorCount)} decode thread(s), the app's default: half the cores)");
        md.AppendLine(ic, $"- models: {string.Join(" and ", sizes)}-sized Whisper, random weights (real compute, meaningless text): tools/gen_whisper_model.py --size SIZE --tie-lm-head for ONNX, the same weights converted by tools/gen_whisper_ggml.py --from-onnx for whisper.cpp (its matrices stored f16, as in whisper.cpp's own models; ONNX keeps f32)");
        md.AppendLine(ic, $"- audio: {audioSource}, the same samples for every engine");
        md.AppendLine(ic, $"- decoding: greedy, language forced to en, token cap {tokensPerSecond:0.#} per second of audio (about what speech yields; random weights never emit end-of-text, so every decode runs to it); tokens = text tokens produced (mean over runs)");
        md.AppendLine(ic, $"- ms: median wall time of {runs} calls to IUtteranceRecognizer.TranscribeAsync (after one warm-up), engines and utterances taken round-robin; RTF = ms / audio ms; cpu ms = process CPU time during the call, median");
        md.AppendLine("- ONNX Whisper with a trimmed context: n/a, its encoder graph always takes the 30 s (3000-frame) input");
        md.AppendLine();
        md.AppendLine("| size | engine | audio context | audio | tokens | ms (median) | RTF | cpu ms | wall vs ONNX |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            foreach (var (seconds, _) in utterances)
            {
                var group = rows.Where(r => r.Size == size && r.Seconds == seconds).ToList();
                var onnx = group.First(r => r.Engine == WhisperRecognizer.Name);
                foreach (var r in group)
                {
                    var ratio = r == onnx ? "=" : r.WallMs <= onnx.WallMs ? $"{onnx.WallMs / r.WallMs:0.0}x faster" : $"{r.WallMs / onnx.WallMs:0.0}x slower";
                    md.AppendLine(ic, $"| {size} | {r.Engine} | {r.Context} | {seconds:0.#} s | {r.Tokens:0.#} / {r.TokenCap} | {r.WallMs:0} | {r.Rtf:0.000} | {r.CpuMs:0} | {ratio} |");
                }

                md.AppendLine(ic, $"| {size} | {WhisperRecognizer.Name} | trimmed | {seconds:0.#} s | n/a | n/a | n/a | n/a | n/a |");
            }
        }

        md.AppendLine();
        md.AppendLine("Where ONNX Whisper's time goes (medians; the encoder always runs the 30 s input, whatever the utterance):");
        md.AppendLine();
        md.AppendLine("| size | audio | log-mel + encoder ms | decoder ms | decoder ms per token (prompt step included) |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in rows.Where(r => r.Split is not null))
        {
            var (enc, dec) = r.Split!.Value;
            md.AppendLine(ic, $"| {r.Size} | {r.Seconds:0.#} s | {enc:0} | {dec:0} | {dec / Math.Max(1, r.Tokens):0.0} |");
        }

        md.AppendLine();
        md.AppendLine("Transcripts of the warm-up decode (random weights: gibberish). At the full context both engines see the same 30 s input with the same weights and vocabulary, so equal text checks that the weights are the same (f16 rounding and kernel differences may flip a close call); the trimmed context sees fewer frames, so its text differs:");
        md.AppendLine();
        foreach (var r in rows)
        {
            md.AppendLine(ic, $"- {r.Size}, {r.Seconds:0.#} s, {r.Engine}, {r.Context}: \"{Shorten(r.Sample)}\"");
        }

        return md.ToString();
    }

    /// <summary>The ONNX folder and the ggml file with the same weights for <paramref name="size"/> (generated on first use).</summary>
    private static (string OnnxDir, string GgmlPath) EnsureModels(string size)
    {
        var root = Path.Combine(RepoPaths.Root, ".cache", "bench-asr");
        var onnxDir = Path.Combine(root, $"whisper-{size}-tied");
        var ggmlPath = Path.Combine(root, $"ggml-{size}-same-weights.bin");
        if (!File.Exists(Path.Combine(onnxDir, "config.json")))
        {
            Console.WriteLine($"generating a {size}-sized ONNX model into {onnxDir} ...");
            ModelTools.Generate("gen_whisper_model.py", onnxDir, "--size", size, "--tie-lm-head");
        }

        if (!File.Exists(ggmlPath))
        {
            Console.WriteLine($"converting its weights to ggml: {ggmlPath} ...");
            var partial = ggmlPath + ".partial";
            ModelTools.Generate("gen_whisper_ggml.py", partial, "--from-onnx", onnxDir);
            File.Move(partial, ggmlPath, overwrite: true);
        }

        return (onnxDir, ggmlPath);
    }

    /// <summary>espeak-ng speech cut (or padded with silence) to each length, at 16 kHz; speech-like tones without espeak-ng.</summary>
    private static (List<(double Seconds, float[] Audio)> Audio, string Source) MakeUtterances(double[] lengths)
    {
        var result = new List<(double, float[])>();
        try
        {
            var spoken = new List<string>();
            foreach (var seconds in lengths)
            {
                var text = Sentences.FirstOrDefault(s => s.Seconds >= seconds, Sentences[^1]).Text;
                var path = MicWav.Speech(text);
                try
                {
                    var speech = ReadWav16k(path);
                    result.Add((seconds, Fit(speech, seconds)));
                    spoken.Add($"{seconds:0.#} s of \"{text}\" ({speech.Length / (double)SampleRate:0.0} s spoken)");
                }
                finally
                {
                    File.Delete(path);
                }
            }

            return (result, "espeak-ng en-us speech, cut or padded with silence to the length: " + string.Join("; ", spoken));
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"espeak-ng unavailable ({ex.Message}); using synthetic speech-like audio");
            result.Clear();
            foreach (var seconds in lengths)
            {
                result.Add((seconds, SpeechLike(seconds)));
            }

            return (result, "synthetic speech-like audio (voiced harmonics with a 4 Hz syllable envelope and noise; espeak-ng was not available)");
        }
    }

    private static float[] Fit(float[] speech, double seconds)
    {
        var audio = new float[(int)Math.Round(seconds * SampleRate)];
        Array.Copy(speech, audio, Math.Min(speech.Length, audio.Length));
        return audio;
    }

    /// <summary>A 16-bit mono WAV (espeak-ng writes 22.05 kHz) as 16 kHz floats (linear interpolation).</summary>
    private static float[] ReadWav16k(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var rate = BitConverter.ToInt32(bytes, 24);
        var pos = 12;
        while (pos + 8 <= bytes.Length && Encoding.ASCII.GetString(bytes, pos, 4) != "data")
        {
            pos += 8 + BitConverter.ToInt32(bytes, pos + 4);
        }

        var start = pos + 8;
        var count = Math.Min(BitConverter.ToInt32(bytes, pos + 4), bytes.Length - start) / 2;
        if (count <= 0 || bytes.Length < 44)
        {
            throw new InvalidOperationException("no audio in " + path);
        }

        var source = new float[count];
        for (var i = 0; i < count; i++)
        {
            source[i] = BitConverter.ToInt16(bytes, start + 2 * i) / 32768f;
        }

        var output = new float[(int)((long)count * SampleRate / rate)];
        for (var i = 0; i < output.Length; i++)
        {
            var x = i * (double)rate / SampleRate;
            var j = (int)x;
            var frac = (float)(x - j);
            output[i] = j + 1 < count ? source[j] + ((source[j + 1] - source[j]) * frac) : source[Math.Min(j, count - 1)];
        }

        return output;
    }

    private static float[] SpeechLike(double seconds)
    {
        var audio = new float[(int)Math.Round(seconds * SampleRate)];
        var random = new Random(7);
        for (var i = 0; i < audio.Length; i++)
        {
            var t = i / (double)SampleRate;
            var pitch = 120 + (20 * Math.Sin(2 * Math.PI * 0.7 * t));
            var voiced = 0.0;
            for (var h = 1; h <= 12; h++)
            {
                voiced += Math.Sin(2 * Math.PI * pitch * h * t) / h;
            }

            var envelope = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
            audio[i] = (float)((0.15 * voiced * envelope) + (0.01 * (random.NextDouble() - 0.5)));
        }

        return audio;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static void Add<T>(Dictionary<(Utterance, Engine), List<T>> map, (Utterance, Engine) key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}
