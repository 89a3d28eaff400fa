using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using WebAvatar.Testing;
using static WebAvatar.Benchmarks.Live.Statistics;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// `bench concurrency [--max 6] [--rounds 3]`: N = 1.. sessions in parallel (one Chromium page each, app defaults with
/// Sessions:MaxSessions = N); each round every page makes its avatar speak (say-exactly) at once. Per session: fps
/// decoded at the browser and text submit -> first avatar audio at the browser. The largest N holding >= 24.5 fps and
/// &lt; 500 ms first audio (medians) is the capacity; session N+1 must be refused with the admission message.
/// Writes bench-results/concurrency.md.
/// </summary>
internal static class ConcurrencyBench
{
    private const string Sentence = "Hello, I am one of several avatars talking at the same time.";
    private const double AvatarOn = 0.01, TargetFps = 24.5, TargetFirstAudioMs = 500, RoundSeconds = 6;

    public static void Register() => BenchCommands.Register("concurrency", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        var options = new BenchArgs(args, "max", "rounds");
        int max = options.Integer("max", 6), rounds = options.Integer("rounds", 3);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(max * (90 + (rounds * RoundSeconds * 2))));
        var results = new List<LevelResult>();
        var micWav = MicWav.Tone();
        try
        {
            for (int n = 1; n <= max; n++)
            {
                var result = await MeasureAsync(n, rounds, micWav, deadline.Token);
                results.Add(result);
                Console.WriteLine(result.ToLine());
                if (Median(result.Fps) < 20)
                {
                    // Clearly overloaded: more sessions only take longer to say the same.
                    break;
                }
            }
        }
        finally
        {
            File.Delete(micWav);
        }

        var report = Report(results, max);
        var path = Path.Combine(RepoPaths.Root, "bench-results", "concurrency.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report, deadline.Token);
        Console.WriteLine(report);
        Console.WriteLine("written: " + path);
    }

    private static async Task<LevelResult> MeasureAsync(int n, int rounds, string micWav, CancellationToken cancellationToken)
    {
        await using var app = await BenchApp.StartAsync(new Dictionary<string, string> { ["Sessions:MaxSessions"] = n.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
        await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
        var context = await chromium.Browser.NewContextAsync();
        var pages = new List<ChatPage>();
        for (int i = 0; i < n; i++)
        {
            pages.Add(await ChatPage.OpenAsync(context, app.BaseAddress));
        }

        foreach (var page in pages)
        {
            await page.ConnectAsync();
        }

        var probes = new List<BrowserProbe>();
        foreach (var page in pages)
        {
            probes.Add(await BrowserProbe.StartAsync(page));
        }

        var firstStats = await Task.WhenAll(pages.Select(p => p.StatsAsync()));
        double cpuStart = (await app.MetricsAsync(cancellationToken)).Number("cpuSeconds"), wallStart = BrowserProbe.NowUnixMs();
        var firstAudio = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            await Task.WhenAll(pages.Select(p => p.TypeSayAsync(Sentence)));
            var submitted = await Task.WhenAll(pages.Select(async p =>
            {
                double at = BrowserProbe.NowUnixMs();
                await p.SendAsync();
                return at;
            }));
            await Task.Delay(TimeSpan.FromSeconds(RoundSeconds), cancellationToken);
            for (int i = 0; i < n; i++)
            {
                await probes[i].CollectAsync();
                var avatar = probes[i].Audio.Select(a => (a.T, a.Avatar)).ToList();
                firstAudio.Add(AudioActivity.FirstLoud(avatar, AvatarOn, submitted[i], submitted[i] + (RoundSeconds * 1000)) - submitted[i]);
            }
        }

        var lastStats = await Task.WhenAll(pages.Select(p => p.StatsAsync()));
        double cpuPercent = ((await app.MetricsAsync(cancellationToken)).Number("cpuSeconds") - cpuStart) / ((BrowserProbe.NowUnixMs() - wallStart) / 1000) * 100;
        // A page without video stats at either end decoded nothing we can vouch for: it counts as 0 fps.
        var fps = Enumerable.Range(0, n).Select(i =>
            (lastStats[i].Number("video", "framesDecoded") - firstStats[i].Number("video", "framesDecoded")) /
            ((lastStats[i].Number("video", "timestamp") - firstStats[i].Number("video", "timestamp")) / 1000))
            .Select(v => double.IsNaN(v) || double.IsInfinity(v) ? 0 : v)
            .ToList();

        string refusal = await OneMoreAsync(context, app.BaseAddress);
        foreach (var page in pages)
        {
            await page.CloseAsync();
        }

        return new LevelResult(n, fps, firstAudio, cpuPercent, refusal);
    }

    /// <summary>Opens session N+1: the page must show the admission message instead of a session.</summary>
    private static async Task<string> OneMoreAsync(IBrowserContext context, Uri baseAddress)
    {
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(baseAddress.ToString());
            var error = page.Locator("#session-error");
            await Assertions.Expect(error).ToContainTextAsync("The avatar is busy", new() { Timeout = 30_000 });
            return (await error.InnerTextAsync()).Trim();
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            return "NOT REFUSED: " + ex.Message.Split('\n')[0];
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static string Report(List<LevelResult> results, int max)
    {
        var holding = results.Where(r => r.Holds).Select(r => r.Sessions).DefaultIfEmpty(0).Max();
        var md = new StringBuilder();
        md.AppendLine("# Concurrency: sessions in parallel on this machine");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}; machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()} (shared: noisy); Chromium runs on the same cores");
        md.AppendLine(CultureInfo.InvariantCulture, $"- N pages in one headless Chromium, app defaults, Sessions:MaxSessions = N; every page makes its avatar say \"{Sentence}\" at once, each {RoundSeconds:F0} s");
        md.AppendLine("- first audio = text submit (Send click) -> first avatar audio at that page's WebAudio analyser; fps = frames decoded over the run");
        md.AppendLine();
        md.AppendLine("| sessions | fps median (min) | first audio median (p90) | app CPU (100 % = one core) | verdict | session N+1 |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Sessions} | {Median(r.Fps):F1} ({r.Fps.Min():F1}) | {Ms(Median(r.FirstAudioMs))} ({Ms(Percentile(r.FirstAudioMs, 90))}) | {r.CpuPercent:F0} % | {Verdict(r.Holds)} | {r.Refusal.Replace("|", "/", StringComparison.Ordinal)} |");
        }

        md.AppendLine();
        string stopped = results.Count > 0 && results[^1].Holds && results[^1].Sessions == max ? $" (the run stopped at --max {max})" : string.Empty;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Largest N holding >= {TargetFps} fps and < {TargetFirstAudioMs:F0} ms first audio: **{holding}**{stopped}. Suggested default Sessions:MaxSessions = {Math.Max(1, holding)} on this machine.");
        return md.ToString();
    }

    private sealed record LevelResult(int Sessions, IReadOnlyList<double> Fps, IReadOnlyList<double> FirstAudioMs, double CpuPercent, string Refusal)
    {
        public bool Holds => Median(Fps) >= TargetFps && Median(FirstAudioMs.Select(v => double.IsNaN(v) ? double.MaxValue : v)) < TargetFirstAudioMs;

        public string ToLine() => FormattableString.Invariant(
            $"{Sessions} session(s): fps median {Median(Fps):F1} min {Fps.Min():F1}, first audio median {Ms(Median(FirstAudioMs))}, CPU {CpuPercent:F0} %, {(Holds ? "holds" : "does not hold")}; N+1: {Refusal}");
    }
}
