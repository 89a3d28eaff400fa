using System.Globalization;
using System.Text;
using System.Text.Json;
using WebAvatar.Testing;
using static WebAvatar.Benchmarks.Live.Statistics;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// `bench live [--runs 10] [--barge-ins 5] [--preemptive on|off]`: the whole product on its defaults (Whisper.net with the
/// audio context trimmed to the utterance, preemptive replies) through Chromium's fake microphone, with a scripted instant
/// LLM (model time excluded) and the generated tiny-sized ggml Whisper (random weights never emit end-of-text, so decoding
/// is capped at the 8 decoder steps a real model takes for the spoken sentence). Per utterance, at the browser: end of user
/// speech -> first avatar audio and -> first changed video frame; from /api/metrics the server stages of the same
/// reply. Then barge-in. Writes bench-results/live.md.
/// </summary>
internal static class LiveBench
{
    public const string Utterance = "What is the weather like today?";
    public const string ScriptedReply = "It is sunny and warm today.";
    /// <summary>
    /// The decoder steps a real model takes for <see cref="Utterance"/>: 7 text tokens (" What", " is", " the", " weather",
    /// " like", " today", "?") and the end-of-text one. The random model never ends by itself, so this caps it to the same work.
    /// </summary>
    public const int WhisperTokens = 8;
    private const double MicOn = 0.02, AvatarOn = 0.01;
    private const double GapSeconds = 6;

    public static void Register() => BenchCommands.Register("live", RunAsync);

    /// <summary>The defaults (Whisper.net, trimmed audio context, preemptive replies) with the generated model and a scripted LLM.</summary>
    public static Dictionary<string, string> AppSettings() => new()
    {
        ["Llm:Provider"] = "Scripted",
        ["Llm:ScriptedReply"] = ScriptedReply,
        ["Whisper:Engine"] = "whisper.net",
        ["Whisper:GgmlModelPath"] = EnsureGgmlModel(),
        ["Whisper:MaxNewTokens"] = WhisperTokens.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>tools/gen_whisper_ggml.py's random-weight tiny model under .cache/bench-whisper (made on first use, ~1 s).</summary>
    public static string EnsureGgmlModel()
    {
        var path = Path.Combine(RepoPaths.Root, ".cache", "bench-whisper", "ggml-tiny-random.bin");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Console.WriteLine("generating a tiny-sized ggml Whisper model into " + path + " ...");
            ModelTools.Generate("gen_whisper_ggml.py", path + ".tmp");
            File.Move(path + ".tmp", path);
        }

        return path;
    }

    private static async Task RunAsync(string[] args)
    {
        var options = new BenchArgs(args, "runs", "barge-ins", "preemptive", "first-token-ms");
        int runs = options.Integer("runs", 10), bargeIns = options.Integer("barge-ins", 5);
        bool preemptive = options.Switch("preemptive", true);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180 + (runs * 12) + (bargeIns * 20)));
        var cancellationToken = deadline.Token;

        var settings = AppSettings();
        settings["Pipeline:PreemptiveReplies"] = preemptive ? "true" : "false";
        int firstTokenMs = options.Integer("first-token-ms", 0);
        settings["Llm:ScriptedFirstTokenMs"] = firstTokenMs.ToString(CultureInfo.InvariantCulture);
        await using var app = await BenchApp.StartAsync(settings, cancellationToken);
        var replies = await MeasureRepliesAsync(app, runs, cancellationToken);
        var bargeIn = await BargeInPhase.MeasureAsync(app, bargeIns, cancellationToken);

        var report = Report(replies, bargeIn, runs, preemptive, firstTokenMs, string.Join(' ', args));
        var name = (preemptive ? "live" : "live-no-preemption") + (firstTokenMs > 0 ? $"-llm{firstTokenMs}ms" : string.Empty);
        var path = Path.Combine(RepoPaths.Root, "bench-results", name + ".md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report, cancellationToken);
        Console.WriteLine(report);
        Console.WriteLine("written: " + path);
    }

    private static async Task<ReplyRun> MeasureRepliesAsync(BenchApp app, int runs, CancellationToken cancellationToken)
    {
        // The first utterance warms up Whisper and is dropped; Chromium loops the file for the rest.
        var micWav = MicWav.Sequence(0, [Utterance], GapSeconds);
        try
        {
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var context = await chromium.Browser.NewContextAsync();
            var page = await ChatPage.OpenAsync(context, app.BaseAddress);
            await page.ConnectAsync();
            var probe = await BrowserProbe.StartAsync(page);
            var server = new ServerReplies();
            var offsets = new List<double>();
            var first = await page.StatsAsync();
            var cpuStart = (await app.MetricsAsync(cancellationToken)).Number("cpuSeconds");
            double wallStart = BrowserProbe.NowUnixMs();
            Console.WriteLine($"live: session {page.SessionId}, {runs} utterances of \"{Utterance}\" every ~{GapSeconds + 2:F0} s ...");

            List<(double Start, double End)> utterances = [];
            double giveUp = wallStart + ((runs + 2) * (GapSeconds + 4) * 1000) + 30_000;
            while (true)
            {
                if (BrowserProbe.NowUnixMs() > giveUp)
                {
                    throw new TimeoutException($"only {utterances.Count} mic utterances heard at the browser in {(giveUp - wallStart) / 1000:F0} s (is the fake mic playing? see artifacts/bench)");
                }

                await Task.Delay(500, cancellationToken);
                await probe.CollectAsync();
                server.Update(await app.MetricsAsync(cancellationToken), page.SessionId);
                var stats = await page.StatsAsync();
                double video = stats.Number("video", "estimatedPlayoutTimestamp"), audio = stats.Number("audio", "estimatedPlayoutTimestamp");
                if (video > 0 && audio > 0)
                {
                    offsets.Add(video - audio);
                }

                utterances = AudioActivity.Segments(probe.Audio.Select(a => (a.T, a.Mic)).ToList(), MicOn, 700);
                double now = BrowserProbe.NowUnixMs();
                // Done when runs + 1 utterances ended and the reply to the last has had time to play.
                if (utterances.Count(u => now - u.End > (GapSeconds * 1000) - 500) >= runs + 1)
                {
                    break;
                }
            }

            var last = await page.StatsAsync();
            double cpuSeconds = (await app.MetricsAsync(cancellationToken)).Number("cpuSeconds") - cpuStart;
            double wallSeconds = (BrowserProbe.NowUnixMs() - wallStart) / 1000;
            double fps = (last.Number("video", "framesDecoded") - first.Number("video", "framesDecoded")) /
                ((last.Number("video", "timestamp") - first.Number("video", "timestamp")) / 1000);
            double MeanDelayMs(string kind, string stat) => (last.Number(kind, stat) - first.Number(kind, stat)) /
                Math.Max(1, last.Number(kind, "jitterBufferEmittedCount") - first.Number(kind, "jitterBufferEmittedCount")) * 1000;
            double jitterBufferMs = MeanDelayMs("audio", "jitterBufferDelay"), jitterMinimumMs = MeanDelayMs("audio", "jitterBufferMinimumDelay");
            WriteProbe(probe, "live-probe.csv");
            await page.CloseAsync();

            var mouth = MouthDetector.Calibrate(probe, AvatarOn);
            Console.WriteLine(mouth?.ToString() ?? "mouth not located: too few speaking or idle frames");
            var measured = new List<UtteranceTiming>();
            var completed = utterances.Where(u => BrowserProbe.NowUnixMs() - u.End > (GapSeconds * 1000) - 1500).ToList();
            for (int i = 1; i < completed.Count && measured.Count < runs; i++)
            {
                measured.Add(Measure(completed, i, probe, server, mouth));
            }

            return new ReplyRun(measured, offsets, fps, jitterBufferMs, jitterMinimumMs, cpuSeconds / wallSeconds * 100, server.Preemption);
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    /// <summary>
    /// Per utterance: first avatar audio after the end of speech; the first frame whose mouth moves, looked for from
    /// 200 ms before that audio (audio is the pipeline's master clock, the mouth cannot move much earlier); the server
    /// reply that started (VAD end) within 3 s.
    /// </summary>
    private static UtteranceTiming Measure(List<(double Start, double End)> utterances, int index, BrowserProbe probe, ServerReplies server, MouthDetector? mouth)
    {
        var (start, end) = utterances[index];
        double next = index + 1 < utterances.Count ? utterances[index + 1].Start : double.MaxValue;
        double audioOnset = AudioActivity.FirstLoud(probe.Audio.Select(a => (a.T, a.Avatar)).ToList(), AvatarOn, end, next);
        double frame = mouth is null || double.IsNaN(audioOnset) ? double.NaN : mouth.FirstMoving(probe, audioOnset - 200, audioOnset + 2000);
        var reply = server.VoiceReplyAfter(end, 3000);
        double serverStart = reply?.StartedUnixMs ?? double.NaN;
        return new UtteranceTiming(
            end,
            audioOnset - end,
            frame - end,
            serverStart - end,
            reply,
            audioOnset - (serverStart + (reply?.Stage("FirstAudioOut") ?? double.NaN)));
    }

    private static void WriteProbe(BrowserProbe probe, string name)
    {
        var dir = RepoPaths.Artifacts("bench");
        File.WriteAllLines(Path.Combine(dir, name),
            ["kind,unix_ms,a,b", .. probe.Audio.Select(a => string.Create(CultureInfo.InvariantCulture, $"audio,{a.T:F1},{a.Mic:F4},{a.Avatar:F4}")),
             .. probe.Frames.Select(f => string.Create(CultureInfo.InvariantCulture, $"frame,{f.T:F1},{string.Join(' ', f.Cells)},"))]);
    }

    private static string Report(ReplyRun run, BargeInResult bargeIn, int runs, bool preemptive, int firstTokenMs, string args)
    {
        var rows = run.Utterances;
        var md = new StringBuilder();
        md.AppendLine("# Live: voice in -> avatar out, at the browser");
        md.AppendLine();
        md.AppendLine("- command: `" + ("dotnet run -c Release --project tests/WebAvatar.Benchmarks -- bench live " + args).Trim() + "`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}; machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()} (shared: noisy)");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {rows.Count} of {runs} utterances measured (espeak-ng \"{Utterance}\" through Chromium's fake mic, {GapSeconds:F0} s gaps; the first, warm-up utterance dropped)");
        md.AppendLine(firstTokenMs == 0
            ? $"- LLM excluded: scripted instant reply \"{ScriptedReply}\" (Llm:Provider=Scripted); a real model adds its time to first token and to the first clause."
            : $"- LLM: scripted reply \"{ScriptedReply}\" after {firstTokenMs} ms to its first token (Llm:ScriptedFirstTokenMs), a stand-in for a real model's.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- ASR: Whisper.net (whisper.cpp) with the audio context trimmed to the utterance, on a generated tiny-sized ggml model with random weights (tools/gen_whisper_ggml.py: real compute; never emits end-of-text, so capped at {WhisperTokens} decoder steps: the 7 text tokens of the sentence and the end-of-text a real model takes).");
        md.AppendLine(preemptive
            ? "- Preemptive replies on (the default): at the first silent VAD window the reply is prepared on the speculative transcript and held until the end of the turn is confirmed; stages done ahead of that show as negative ms."
            : "- Preemptive replies off (Pipeline:PreemptiveReplies=false): the reply starts at the confirmed end of the turn.");
        md.AppendLine("- Browser times: WebAudio analysers (5 ms) and requestVideoFrameCallback; server times: /api/metrics, lined up on the shared wall clock of this machine.");
        md.AppendLine();
        md.AppendLine("| measure (from the end of user speech) | median | p90 | target | verdict |");
        md.AppendLine("|---|---|---|---|---|");
        Row(md, "**first avatar audio at the browser**", rows.Select(r => r.FirstAudioMs), "< 500 ms", v => v < 500);
        Row(md, "**first lip-synced frame at the browser**", rows.Select(r => r.FirstFrameMs), "", null);
        Row(md, "VAD end (server reply start; mic uplink + silence hangover)", rows.Select(r => r.VadEndMs), "", null);
        foreach (var (stage, label) in new[]
        {
            ("AsrFinal", "ASR final"), ("LlmFirstToken", "LLM first token (scripted)"), ("FirstSegment", "first sentence segment"),
            ("TtsFirstAudio", "first TTS audio"), ("LipSyncFirstFrame", "first lip-synced frame (server)"), ("FirstAudioOut", "first audio out (server)"),
        })
        {
            Row(md, $"{label}, + VAD end", rows.Select(r => r.VadEndMs + (r.Reply?.Stage(stage) ?? double.NaN)), "", null);
        }

        Row(md, "network + jitter buffer (browser audio - server audio out)", rows.Select(r => r.NetworkMs), "", null);
        md.AppendLine();
        md.AppendLine("| session figure | value | target | verdict |");
        md.AppendLine("|---|---|---|---|");
        double offset = Median(run.AvOffsets);
        md.AppendLine(CultureInfo.InvariantCulture, $"| A/V offset at the browser (video - audio playout, median of {run.AvOffsets.Count}) | {offset:F0} ms (p90 \\|x\\| {Percentile(run.AvOffsets.Select(Math.Abs), 90):F0}) | \\|x\\| < 40 ms | {Verdict(Math.Abs(offset) < 40)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| fps decoded at the browser | {run.Fps:F1} | >= 24.5 | {Verdict(run.Fps >= 24.5)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| browser audio jitter buffer: mean delay / the minimum Chromium derives from packet arrivals alone (getStats, over the run) | {run.AudioJitterBufferMs:F0} ms / {run.AudioJitterMinimumMs:F0} ms | | |");
        if (run.Preemption is { } p)
        {
            var rate = p.Prepared == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * p.Kept / p.Prepared:F0} %");
            md.AppendLine(CultureInfo.InvariantCulture, $"| preemptive replies kept (kept / prepared; voice turns {p.VoiceTurns}, dropped {p.Dropped}) | {rate} ({p.Kept} / {p.Prepared}) | | |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| app CPU for this one session (100 % = one core) | {run.CpuPercent:F0} % | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| barge-in: user speech onset -> avatar audio stops at the browser ({bargeIn.StopMs.Count} runs) | median {Median(bargeIn.StopMs):F0} ms, p90 {Percentile(bargeIn.StopMs, 90):F0} ms | < 300 ms | {Verdict(Median(bargeIn.StopMs) < 300)} |");
        md.AppendLine();
        md.AppendLine("Per utterance (ms): first audio / first frame / VAD end / ASR / first TTS / first audio out / network");
        md.AppendLine("```");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"{r.FirstAudioMs,6:F0} {r.FirstFrameMs,6:F0} {r.VadEndMs,6:F0} {r.Reply?.Stage("AsrFinal") ?? double.NaN,6:F0} {r.Reply?.Stage("TtsFirstAudio") ?? double.NaN,6:F0} {r.Reply?.Stage("FirstAudioOut") ?? double.NaN,6:F0} {r.NetworkMs,6:F0}");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"barge-in stops (ms): {string.Join(", ", bargeIn.StopMs.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))}");
        md.AppendLine("```");
        return md.ToString();
    }

    private static void Row(StringBuilder md, string label, IEnumerable<double> values, string target, Func<double, bool>? pass)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToList();
        double median = Median(list);
        string verdict = pass is null || list.Count == 0 ? "" : Verdict(pass(median));
        md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Ms(median)} | {Ms(Percentile(list, 90))} | {target} | {verdict} |");
    }
}

internal sealed record UtteranceTiming(double SpeechEndUnixMs, double FirstAudioMs, double FirstFrameMs, double VadEndMs, ServerReply? Reply, double NetworkMs);

internal sealed record ReplyRun(IReadOnlyList<UtteranceTiming> Utterances, IReadOnlyList<double> AvOffsets, double Fps, double AudioJitterBufferMs, double AudioJitterMinimumMs, double CpuPercent, (long VoiceTurns, long Prepared, long Kept, long Dropped)? Preemption);

internal sealed record BargeInResult(IReadOnlyList<double> StopMs);
