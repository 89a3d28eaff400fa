using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WebAvatar.Testing;
using static WebAvatar.Benchmarks.Live.Statistics;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// `bench soak [--minutes 60] [--interval 10]`: one browser session for a long time; the avatar speaks a sentence
/// every 30 s (speech and idle both covered); every interval the browser's A/V playout offset, fps and audio rate
/// are logged. Reports drift (last 5 min vs first 5 min after a 30 s settle) and the offset's slope in ms/hour.
/// Exits non-zero only when the harness fails; missed targets are reported as MISS.
/// </summary>
internal static class SoakBench
{
    private const double SettleSeconds = 30;
    private const double SpeakEverySeconds = 30;
    private const double TargetOffsetMs = 40, TargetDriftMs = 20, TargetFps = 24.5;
    private const string Sentence = "This is the soak test speaking, to check that sound and picture stay together over a long session.";

    public static void Register() => BenchCommands.Register("soak", RunAsync);

    public static async Task RunAsync(string[] args)
    {
        var options = new BenchArgs(args, "minutes", "interval");
        double minutes = options.Number("minutes", 60), interval = options.Number("interval", 10);
        // Hard stop for the whole run: the soak itself plus start-up and teardown.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(minutes + 5));
        var cancellationToken = deadline.Token;

        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        var outDir = Path.Combine(RepoPaths.Root, "bench-results");
        Directory.CreateDirectory(outDir);
        var csvPath = Path.Combine(outDir, $"soak-{stamp}.csv");
        var mdPath = Path.Combine(outDir, $"soak-{stamp}.md");

        var micWav = MicWav.Tone(seconds: 10);
        var samples = new List<SoakSample>();
        try
        {
            await using var app = await BenchApp.StartAsync(null, cancellationToken);
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var context = await chromium.Browser.NewContextAsync();
            var page = await ChatPage.OpenAsync(context, app.BaseAddress);
            await page.ConnectAsync();
            Console.WriteLine($"soak: {minutes} min, sample every {interval} s, speaking every {SpeakEverySeconds} s; session {page.SessionId}; writing {csvPath}");

            await using var csv = new StreamWriter(csvPath) { AutoFlush = true };
            await csv.WriteLineAsync(SoakSample.CsvHeader);
            var clock = Stopwatch.StartNew();
            double nextSpeak = 5, nextSample = interval;
            JsonElement? previous = null;
            while (clock.Elapsed.TotalMinutes < minutes)
            {
                double now = clock.Elapsed.TotalSeconds;
                if (now >= nextSpeak)
                {
                    await page.SayAsync(Sentence);
                    nextSpeak += SpeakEverySeconds;
                }

                if (now >= nextSample)
                {
                    var sample = await SampleAsync(page, app, previous, now, cancellationToken);
                    previous = sample.Stats;
                    samples.Add(sample);
                    await csv.WriteLineAsync(sample.ToCsv());
                    Console.WriteLine(sample.ToLogLine());
                    nextSample += interval;
                }

                if (app.Process.HasExited)
                {
                    throw new InvalidOperationException("the app exited during the soak:\n" + app.Process.Log[^Math.Min(4000, app.Process.Log.Length)..]);
                }

                double wait = Math.Min(nextSpeak, nextSample) - clock.Elapsed.TotalSeconds;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken);
                }
            }

            await page.CloseAsync();
        }
        finally
        {
            File.Delete(micWav);
        }

        var summary = Summarise(samples, minutes, interval);
        await File.WriteAllTextAsync(mdPath, summary, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(summary);
        Console.WriteLine($"written: {mdPath} and {csvPath}");
    }

    /// <summary>One reading: the median of five offset readings 100 ms apart (video playout moves in 40 ms frame steps).</summary>
    private static async Task<SoakSample> SampleAsync(ChatPage page, BenchApp app, JsonElement? previous, double now, CancellationToken cancellationToken)
    {
        var offsets = new List<double>();
        JsonElement stats = default;
        for (int i = 0; i < 5; i++)
        {
            stats = await page.StatsAsync();
            double video = stats.Number("video", "estimatedPlayoutTimestamp"), audio = stats.Number("audio", "estimatedPlayoutTimestamp");
            if (video > 0 && audio > 0)
            {
                offsets.Add(video - audio);
            }

            await Task.Delay(100, cancellationToken);
        }

        double fps = double.NaN, audioRate = double.NaN;
        if (previous is { } before)
        {
            double seconds = (stats.Number("video", "timestamp") - before.Number("video", "timestamp")) / 1000;
            fps = (stats.Number("video", "framesDecoded") - before.Number("video", "framesDecoded")) / seconds;
            audioRate = (stats.Number("audio", "totalSamplesReceived") - before.Number("audio", "totalSamplesReceived")) / seconds;
        }

        var metrics = await app.MetricsAsync(cancellationToken);
        return new SoakSample(
            now,
            offsets.Count > 0 ? Median(offsets) : double.NaN,
            fps,
            audioRate,
            stats.Number("video", "freezeCount"),
            stats.Number("video", "framesDropped"),
            stats.Number("video", "jitterBufferTargetDelay") / Math.Max(1, stats.Number("video", "jitterBufferEmittedCount")) * 1000,
            metrics.Number("workingSetBytes") / 1048576,
            metrics.Number("cpuSeconds"),
            stats.Clone());
    }

    private static string Summarise(IReadOnlyList<SoakSample> samples, double minutes, double interval)
    {
        var settled = samples.Where(s => s.Seconds >= SettleSeconds && !double.IsNaN(s.OffsetMs)).ToList();
        if (settled.Count < 2)
        {
            throw new InvalidOperationException($"only {settled.Count} A/V offset samples after the {SettleSeconds} s settle: estimatedPlayoutTimestamp missing or the run was too short");
        }

        double end = settled[^1].Seconds;
        // 5-minute windows; a short run (for trying the harness) uses halves of what it has.
        double window = Math.Min(300, (end - SettleSeconds) / 2);
        var first = settled.Where(s => s.Seconds < SettleSeconds + window).Select(s => s.OffsetMs).ToList();
        var last = settled.Where(s => s.Seconds > end - window).Select(s => s.OffsetMs).ToList();
        double drift = Median(last) - Median(first);
        double slopePerHour = Slope(settled.Select(s => (s.Seconds / 3600, s.OffsetMs)).ToList());
        double medianAbs = Median(settled.Select(s => Math.Abs(s.OffsetMs)));
        double p95Abs = Percentile(settled.Select(s => Math.Abs(s.OffsetMs)), 95);
        var fps = samples.Where(s => !double.IsNaN(s.Fps)).Select(s => s.Fps).ToList();
        double medianFps = Median(fps);
        double freezes = samples[^1].Freezes - samples[0].Freezes;
        double cpuPercent = (samples[^1].CpuSeconds - samples[0].CpuSeconds) / (samples[^1].Seconds - samples[0].Seconds) * 100;

        var md = new StringBuilder();
        md.AppendLine("# Soak: one session, A/V offset at the browser");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, planned {minutes} min, ran {end / 60:F1} min, sample every {interval} s (median of 5 readings 100 ms apart), a sentence spoken every {SpeakEverySeconds} s");
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()} (shared machine: figures are noisy)");
        md.AppendLine("- offset = video - audio `estimatedPlayoutTimestamp` from Chromium's getStats (positive: video plays later than its audio)");
        md.AppendLine();
        md.AppendLine("| figure | value | target | verdict |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| samples (after {SettleSeconds:F0} s settle) | {settled.Count} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| median \\|A/V offset\\| | {medianAbs:F1} ms | < {TargetOffsetMs} ms | {Verdict(medianAbs < TargetOffsetMs)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| p95 \\|A/V offset\\| | {p95Abs:F1} ms | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| drift (median last {window / 60:F1} min - first {window / 60:F1} min) | {drift:F1} ms | \\|drift\\| < {TargetDriftMs} ms | {Verdict(Math.Abs(drift) < TargetDriftMs)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| least-squares slope | {slopePerHour:F1} ms/h | \\|slope\\| < {TargetDriftMs} ms/h | {Verdict(Math.Abs(slopePerHour) < TargetDriftMs)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| median fps (browser decoded) | {medianFps:F1} (min {fps.DefaultIfEmpty(double.NaN).Min():F1}) | >= {TargetFps} | {Verdict(medianFps >= TargetFps)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| video freezes (Chromium freezeCount) | {freezes:F0} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| app CPU (100 % = one core) | {cpuPercent:F0} % | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| app working set first -> last | {samples[0].WorkingSetMb:F0} -> {samples[^1].WorkingSetMb:F0} MB | | |");
        if (minutes < 60)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Short run ({minutes} min): the drift target is per hour; only a 60-minute run (`scripts/bench.sh soak`) proves it.");
        }

        return md.ToString();
    }
}

internal sealed record SoakSample(
    double Seconds,
    double OffsetMs,
    double Fps,
    double AudioSamplesPerSecond,
    double Freezes,
    double FramesDropped,
    double VideoJitterTargetMs,
    double WorkingSetMb,
    double CpuSeconds,
    JsonElement Stats)
{
    public const string CsvHeader = "seconds,av_offset_ms,fps,audio_samples_per_s,freezes,frames_dropped,video_jitter_target_ms,app_working_set_mb,app_cpu_s";

    public string ToCsv() => string.Join(',', new[] { Seconds, OffsetMs, Fps, AudioSamplesPerSecond, Freezes, FramesDropped, VideoJitterTargetMs, WorkingSetMb, CpuSeconds }
        .Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));

    public string ToLogLine() => string.Create(CultureInfo.InvariantCulture,
        $"t={Seconds,7:F1} s  A/V offset {OffsetMs,6:F1} ms  {Fps,5:F1} fps  audio {AudioSamplesPerSecond,6:F0}/s  freezes {Freezes:F0}  dropped {FramesDropped:F0}  app {WorkingSetMb:F0} MB");
}
