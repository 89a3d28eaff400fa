using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebAvatar.Testing;
using WebAvatar.Testing.Load;
using static WebAvatar.Benchmarks.Live.Statistics;

namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// `bench capacity [--max 6] [--seconds 12]`: N = 1.. API sessions on one app (Sessions:MaxSessions = N), each watched by a
/// WHEP load client that is not a browser (ICE, DTLS, SRTP, counting; no decoding), so the cores measure the server and not
/// Chromium. For each N: an idle phase (every avatar listening) and a speaking phase (every avatar says a line, again and
/// again), each over --seconds: the app's CPU per session (from the kernel's count for its process), fps each client received,
/// and `speak` sent -> first speech packet at the client. The largest N holding 25 fps (median >= 24.5, no client under 24)
/// with median first audio under 500 ms is the capacity. The idle phase starts once every session replays its recorded idle
/// loop (the steady state of a listening session); the app runs with a 4 s loop (--idle-loop) so that takes seconds, not the
/// default loop's 40: the loop's length does not change what a replayed slot costs. Writes bench-results/capacity.md.
/// </summary>
internal static class CapacityBench
{
    private const string Line = "Hello, I am one of several avatars here.";
    private const double TargetFps = 24.5, FloorFps = 24, TargetFirstAudioMs = 500, SpeakEverySeconds = 4;
    private const string AdminUser = "bench", AdminPassword = "capacity-bench-password";

    public static void Register() => BenchCommands.Register("capacity", RunAsync);

    private static async Task RunAsync(string[] args)
    {
        var options = new BenchArgs(args, "max", "seconds", "idle-loop");
        int max = options.Integer("max", 6);
        double seconds = options.Number("seconds", 12);
        int idleLoop = options.Integer("idle-loop", 4);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(max * (60 + (4 * seconds))));
        var levels = new List<Level>();
        int? overloadedAt = null;
        for (int n = 1; n <= max; n++)
        {
            Level level;
            try
            {
                level = await MeasureAsync(n, seconds, idleLoop, deadline.Token);
            }
            catch (OverloadedException ex)
            {
                Console.WriteLine($"N={n}: overloaded ({ex.Message})");
                overloadedAt = n;
                break;
            }

            levels.Add(level);
            Console.WriteLine(level.ToLine());
            if (Median(level.Speaking.Fps) < 20)
            {
                break; // clearly overloaded: more sessions only take longer to say the same
            }
        }

        string report = Report(levels, max, seconds, idleLoop, overloadedAt);
        var path = Path.Combine(RepoPaths.Root, "bench-results", "capacity.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report, deadline.Token);
        Console.WriteLine(report);
        Console.WriteLine("written: " + path);
    }

    private static async Task<Level> MeasureAsync(int n, double seconds, int idleLoop, CancellationToken cancellationToken)
    {
        await using var app = await BenchApp.StartAsync(new Dictionary<string, string>
        {
            ["Sessions:MaxSessions"] = n.ToString(CultureInfo.InvariantCulture),
            ["Avatar:IdleLoopSeconds"] = idleLoop.ToString(CultureInfo.InvariantCulture),
            ["WEBAVATAR_ADMIN_USER"] = AdminUser,
            ["WEBAVATAR_ADMIN_PASSWORD"] = AdminPassword,
        }, cancellationToken);
        using var api = await ApiClientAsync(app.BaseAddress, cancellationToken);
        var certificate = WebAvatar.Transport.WebRtc.Dtls.DtlsCertificate.Generate();
        var sessions = new List<string>();
        var clients = new List<WhepLoadClient>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                var created = await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" }, cancellationToken);
                if (created.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"session {i + 1} of {n} refused: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
                }

                string id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
                sessions.Add(id);
                clients.Add(await WhepLoadClient.ConnectAsync(app.BaseAddress, id, new WhepLoadOptions { Http = api, Certificate = certificate }, cancellationToken));
            }

            // One more must be refused: the admission limit is what this bench sizes.
            var extra = await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" }, cancellationToken);
            bool refused = extra.StatusCode == HttpStatusCode.ServiceUnavailable;

            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // first keyframes, pacer settled
            await WaitUntilReplayingAsync(api, n, TimeSpan.FromSeconds((3 * idleLoop) + 10), cancellationToken);
            var before = await VideoFramesAsync(api, cancellationToken);
            var idle = await PhaseAsync(app, clients, seconds, speak: null, cancellationToken);
            var after = await VideoFramesAsync(api, cancellationToken);
            double replayedShare = (after.Replayed - before.Replayed) / Math.Max(1, after.Replayed - before.Replayed + after.Encoded - before.Encoded);
            var speaking = await PhaseAsync(app, clients, seconds, speak: i => api.PostAsJsonAsync($"/api/v1/sessions/{sessions[i]}/speak", new { text = Line, mode = "say-exactly" }, cancellationToken), cancellationToken);
            return new Level(n, idle, speaking, refused, replayedShare);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One phase over <paramref name="seconds"/>: the app's CPU time, each client's frames, and for a speaking phase the time from
    /// each `speak` to the first packet clearly larger than the idle phase's packets (Opus spends a few bytes on silence).
    /// <paramref name="speak"/> makes the session of client i say the line; null for an idle phase.
    /// </summary>
    private static async Task<Phase> PhaseAsync(BenchApp app, List<WhepLoadClient> clients, double seconds, Func<int, Task<HttpResponseMessage>>? speak,
        CancellationToken cancellationToken)
    {
        using var server = Process.GetProcessById(app.Process.ProcessId);
        var self = Process.GetCurrentProcess();
        var framesBefore = clients.Select(c => c.Counters.VideoFrames).ToArray();
        int quietBytes = clients.Max(c => c.AudioArrivals.TakeLast(100).Select(a => a.PayloadBytes).DefaultIfEmpty(0).Max());
        server.Refresh();
        self.Refresh();
        var cpuBefore = server.TotalProcessorTime;
        var selfBefore = self.TotalProcessorTime;
        long phaseStart = Stopwatch.GetTimestamp();
        var firstAudio = new List<double>();
        var sends = new List<(int Client, long At)>();
        if (speak is not null)
        {
            // Rounds every SpeakEverySeconds: each line (about 2.5 s) has ended before the next is sent.
            for (int round = 0; round < Math.Max(1, (int)(seconds / SpeakEverySeconds)); round++)
            {
                await Task.WhenAll(clients.Select(async (_, i) =>
                {
                    long at = Stopwatch.GetTimestamp();
                    var answer = await speak(i);
                    if (answer.StatusCode != HttpStatusCode.Accepted)
                    {
                        throw new InvalidOperationException($"speak refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(cancellationToken)}");
                    }

                    lock (sends)
                    {
                        sends.Add((i, at));
                    }
                }));
                var untilNext = TimeSpan.FromSeconds((round + 1) * SpeakEverySeconds) - Stopwatch.GetElapsedTime(phaseStart);
                await Task.Delay(untilNext > TimeSpan.Zero ? untilNext : TimeSpan.Zero, cancellationToken);
            }
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        }

        double wall = Stopwatch.GetElapsedTime(phaseStart).TotalSeconds;
        server.Refresh();
        self.Refresh();
        double cpu = (server.TotalProcessorTime - cpuBefore).TotalSeconds / wall;
        double clientCpu = (self.TotalProcessorTime - selfBefore).TotalSeconds / wall;
        var fps = clients.Select((c, i) => (c.Counters.VideoFrames - framesBefore[i]) / wall).ToList();
        foreach (var (client, at) in sends)
        {
            var arrivals = clients[client].AudioArrivals;
            // Only a line sent while the avatar was quiet measures first audio (the previous line must have ended).
            long quietSince = at - (Stopwatch.Frequency / 5);
            if (arrivals.Any(a => a.ArrivalTimestamp > quietSince && a.ArrivalTimestamp <= at && a.PayloadBytes > quietBytes + 8))
            {
                var recent = arrivals.Where(a => a.ArrivalTimestamp > quietSince && a.ArrivalTimestamp <= at).Select(a => a.PayloadBytes);
                var loud = arrivals.Where(a => a.PayloadBytes > quietBytes + 8).Select(a => Stopwatch.GetElapsedTime(phaseStart, a.ArrivalTimestamp).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
                // At light load a line takes ~2.5 s; one still playing after 4 s means the sessions fell behind real time.
                throw new OverloadedException($"a line was sent at {Stopwatch.GetElapsedTime(phaseStart, at).TotalSeconds:F2} s while the previous one still played (packets before it: {string.Join(' ', recent)} B; quiet <= {quietBytes} B; {loud.Count()} loud packets)");
            }

            var first = arrivals.FirstOrDefault(a => a.ArrivalTimestamp > at && a.PayloadBytes > quietBytes + 8);
            firstAudio.Add(first.ArrivalTimestamp == 0 ? double.NaN : Stopwatch.GetElapsedTime(at, first.ArrivalTimestamp).TotalMilliseconds);
        }

        return new Phase(cpu, clientCpu, fps, firstAudio, quietBytes);
    }

    /// <summary>An API client for the app: the bench admin signs in and makes a key, as an operator would.</summary>
    private static async Task<HttpClient> ApiClientAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var admin = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };
        var login = await AdminSignIn.PostLoginAsync(admin, AdminUser, AdminPassword, cancellationToken);
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"bench admin sign-in failed: {(int)login.StatusCode}");
        }

        var (_, secret) = await AdminSignIn.CreateApiKeyAsync(admin, "capacity bench", cancellationToken: cancellationToken);
        var api = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return api;
    }

    /// <summary>Waits until the sessions send (nearly) every idle slot from their recorded loops: n x 25 replayed frames a second.</summary>
    private static async Task WaitUntilReplayingAsync(HttpClient api, int n, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var last = await VideoFramesAsync(api, cancellationToken);
        while (deadline.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await VideoFramesAsync(api, cancellationToken);
            if (now.Replayed - last.Replayed >= 0.9 * n * 25)
            {
                return;
            }

            last = now;
        }

        Console.WriteLine($"warning: after {limit.TotalSeconds:F0} s the {n} sessions still do not all replay their idle loops");
    }

    /// <summary>The app's video frames so far, by source (its Prometheus counter webavatar.video.frames).</summary>
    private static async Task<(double Encoded, double Replayed)> VideoFramesAsync(HttpClient api, CancellationToken cancellationToken)
    {
        string scrape = await api.GetStringAsync("/metrics", cancellationToken);
        double Frames(string source)
        {
            var match = System.Text.RegularExpressions.Regex.Match(scrape, $"^webavatar_video_frames_total\\{{[^}}]*source=\"{source}\"[^}}]*\\}} (\\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        return (Frames("encoded"), Frames("replayed"));
    }

    private static string Report(List<Level> levels, int max, double seconds, int idleLoop, int? overloadedAt)
    {
        int capacity = levels.TakeWhile(l => l.Holds).Select(l => l.N).DefaultIfEmpty(0).Max();
        var idlePer = levels.Select(l => l.Idle.Cpu / l.N).ToList();
        var speakingPer = levels.Select(l => l.Speaking.Cpu / l.N).ToList();
        var text = new StringBuilder();
        text.AppendLine("# Capacity: sessions per node, without a browser");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`bench capacity --max {max} --seconds {seconds:0.#} --idle-loop {idleLoop}` on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. App defaults (echo mode, espeak-ng, parametric lip-sync, H.264), one WHEP load client per session in the bench process (no decoding). The idle phase starts once every session replays its recorded {idleLoop} s idle loop (`Avatar:IdleLoopSeconds`; 20 by default, which only makes the wait longer).");
        text.AppendLine();
        text.AppendLine("CPU is the app process's kernel count over the phase, in cores (1.00 = one core busy); the load clients' own CPU is shown apart. First audio: `speak` (say-exactly) sent -> first speech-sized Opus packet at the client.");
        text.AppendLine();
        text.AppendLine("| N | idle CPU | idle per session | speaking CPU | speaking per session | idle frames replayed | fps idle (min/median) | fps speaking (min/median) | first audio median (p95) | clients' CPU | N+1 refused | holds |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in levels)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {l.N} | {l.Idle.Cpu:F2} | {l.Idle.Cpu / l.N:F2} | {l.Speaking.Cpu:F2} | {l.Speaking.Cpu / l.N:F2} | {100 * l.IdleReplayedShare:F0}% | {l.Idle.Fps.Min():F1} / {Median(l.Idle.Fps):F1} | {l.Speaking.Fps.Min():F1} / {Median(l.Speaking.Fps):F1} | {Median(l.Speaking.FirstAudioMs):F0} ms ({Percentile(l.Speaking.FirstAudioMs, 95):F0}) | {l.Speaking.ClientCpu:F2} | {(l.Refused ? "yes" : "NO")} | {(l.Holds ? "yes" : "no")} |");
        }

        if (overloadedAt is { } over)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {over} | overloaded: a line still played when the next was due ({SpeakEverySeconds:0} s later) | | | | | | | | | | no |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"**Largest N at 25 fps with first audio under {TargetFirstAudioMs:F0} ms: {capacity}** (median fps >= {TargetFps}, no client under {FloorFps}).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Per session: idle {Median(idlePer):F2} cores, speaking {Median(speakingPer):F2} cores (medians over N); idle costs {100 * Median(idlePer) / Median(speakingPer):F0}% of speaking.");
        return text.ToString();
    }

    private sealed record Phase(double Cpu, double ClientCpu, List<double> Fps, List<double> FirstAudioMs, int QuietBytes);

    private sealed record Level(int N, Phase Idle, Phase Speaking, bool Refused, double IdleReplayedShare)
    {
        public bool Holds => Median(Speaking.Fps) >= TargetFps && Speaking.Fps.Min() >= FloorFps && Median(Idle.Fps) >= TargetFps
            && Median(Speaking.FirstAudioMs) < TargetFirstAudioMs && !Speaking.FirstAudioMs.Any(double.IsNaN) && Refused;

        public string ToLine() => string.Create(CultureInfo.InvariantCulture,
            $"N={N}: idle {Idle.Cpu:F2} cores ({Idle.Cpu / N:F2}/session), speaking {Speaking.Cpu:F2} ({Speaking.Cpu / N:F2}/session), fps idle {Median(Idle.Fps):F1} speaking {Median(Speaking.Fps):F1} (min {Speaking.Fps.Min():F1}), first audio {Median(Speaking.FirstAudioMs):F0} ms, quiet packets <= {Idle.QuietBytes} B, idle frames replayed {100 * IdleReplayedShare:F0}%, N+1 refused: {Refused}");
    }
}

/// <summary>The sessions fell so far behind real time that a speaking phase cannot be measured.</summary>
internal sealed class OverloadedException(string message) : Exception(message);
