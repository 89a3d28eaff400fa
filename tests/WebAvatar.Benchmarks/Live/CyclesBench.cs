using System.Globalization;
using System.Text;
using System.Text.Json;
using WebAvatar.Testing;
using static WebAvatar.Benchmarks.Live.Statistics;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// `bench cycles [--count 100] [--warm-up 30]`: connect/disconnect cycles of a chat page (new session, WHEP connect,
/// frames decoded, close) against one app; the app's memory, handles and threads after a forced GC before and after the
/// counted cycles, plus the least-squares slope over forced-GC readings every 10 cycles. The warm-up cycles come first
/// because native memory grows over the first few dozen sessions while the allocator's per-thread arenas and the
/// codec/ONNX buffers reach their working size; that growth is reported separately. Writes bench-results/cycles.md.
/// </summary>
internal static class CyclesBench
{
    private const int ReadEvery = 10;

    // Growth allowed over the whole run: managed heap and handles/threads must come back; native memory
    // (the allocator keeps freed arenas) may creep a little.
    private static readonly Bound[] Bounds =
    [
        new("gcHeapBytes", "managed heap (after forced GC)", 1048576, "MB", 8),
        new("workingSetBytes", "working set", 1048576, "MB", 64),
        new("privateBytes", "private bytes", 1048576, "MB", 64),
        new("openHandles", "open handles (fds)", 1, "", 10),
        new("threads", "threads", 1, "", 8),
    ];

    public static void Register() => BenchCommands.Register("cycles", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        var options = new BenchArgs(args, "count", "warm-up");
        int count = options.Integer("count", 100);
        int warmUp = options.Integer("warm-up", 30);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180 + ((count + warmUp) * 20)));
        var cancellationToken = deadline.Token;
        var micWav = MicWav.Tone();
        var readings = new List<(int Cycle, JsonElement Metrics)>();
        try
        {
            await using var app = await BenchApp.StartAsync(null, cancellationToken);
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var context = await chromium.Browser.NewContextAsync();
            Console.WriteLine($"cycles: {warmUp} warm-up + {count} connect/disconnect cycles ...");
            readings.Add((-warmUp, await app.MetricsAfterGcAsync(cancellationToken)));
            for (int cycle = 1 - warmUp; cycle <= count; cycle++)
            {
                var page = await ChatPage.OpenAsync(context, app.BaseAddress);
                await page.ConnectAsync();
                await page.CloseAsync();
                await WaitAllClosedAsync(app, cancellationToken);
                if (cycle >= 0 && cycle % ReadEvery == 0 || cycle == count)
                {
                    var metrics = await app.MetricsAfterGcAsync(cancellationToken);
                    readings.Add((cycle, metrics));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"cycle {cycle,4}: heap {metrics.Number("gcHeapBytes") / 1048576,6:F1} MB  working set {metrics.Number("workingSetBytes") / 1048576,6:F1} MB  private {metrics.Number("privateBytes") / 1048576,6:F1} MB  handles {metrics.Number("openHandles"),4:F0}  threads {metrics.Number("threads"),3:F0}"));
                }
            }
        }
        finally
        {
            File.Delete(micWav);
        }

        var report = Report(readings, count, warmUp);
        var path = Path.Combine(RepoPaths.Root, "bench-results", "cycles.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report, cancellationToken);
        Console.WriteLine(report);
        Console.WriteLine("written: " + path);
    }

    /// <summary>The page is gone; its session and peer must follow (a leaked session would be the leak).</summary>
    private static async Task WaitAllClosedAsync(BenchApp app, CancellationToken cancellationToken)
    {
        for (int i = 0; i < 100; i++)
        {
            var metrics = await app.MetricsAsync(cancellationToken);
            if (metrics.Number("activeSessions") == 0 && metrics.Number("webRtcPeers") == 0)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("the app still has a session or WebRTC peer 10 s after the page closed: sessions are not released on disconnect");
    }

    private static string Report(List<(int Cycle, JsonElement Metrics)> allReadings, int count, int warmUp)
    {
        var start = allReadings[0].Metrics;
        var readings = allReadings.Where(r => r.Cycle >= 0).ToList();
        var first = readings[0].Metrics;
        var last = readings[^1].Metrics;
        var md = new StringBuilder();
        md.AppendLine("# Leak check: connect/disconnect cycles");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}; machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {count} cycles after {warmUp} warm-up cycles: open the chat page (new session), WHEP connect, wait for decoded frames, close; the app reports no session and no peer before the next cycle");
        md.AppendLine(CultureInfo.InvariantCulture, $"- readings from /api/metrics after a forced full GC (POST /api/metrics/gc) every {ReadEvery} cycles; slope = least squares over those readings");
        md.AppendLine();
        md.AppendLine("| figure | before | after | growth | slope per cycle | bound (growth) | verdict |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var bound in Bounds)
        {
            double before = first.Number(bound.Field) / bound.Scale, after = last.Number(bound.Field) / bound.Scale;
            double slope = Slope(readings.Select(r => ((double)r.Cycle, r.Metrics.Number(bound.Field) / bound.Scale)).ToList());
            string unit = bound.Unit.Length > 0 ? " " + bound.Unit : "";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {bound.Label} | {before:0.#}{unit} | {after:0.#}{unit} | {after - before:+0.#;-0.#;0}{unit} | {slope:+0.###;-0.###;0}{unit} | < {bound.MaxGrowth}{unit} | {Verdict(after - before < bound.MaxGrowth)} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Warm-up ({warmUp} cycles from a fresh app, not counted above): working set {Mb(start, first, "workingSetBytes")}, private bytes {Mb(start, first, "privateBytes")}, " +
            $"managed heap {Mb(start, first, "gcHeapBytes")}: the allocator's arenas and the codec/ONNX buffers reaching their working size.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Managed bytes allocated over the run: {(last.Number("gcTotalAllocatedBytes") - first.Number("gcTotalAllocatedBytes")) / 1048576:F0} MB (churn, not growth).");
        return md.ToString();
    }

    private static string Mb(JsonElement before, JsonElement after, string field) =>
        string.Create(CultureInfo.InvariantCulture, $"{(after.Number(field) - before.Number(field)) / 1048576:+0.#;-0.#;0} MB");

    private sealed record Bound(string Field, string Label, double Scale, string Unit, double MaxGrowth);
}
