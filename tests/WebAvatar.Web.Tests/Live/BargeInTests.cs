using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebAvatar.Web.Tests.Admin;
using WebAvatar.Web.Tests.Api;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// Barge-in through the live pipeline: Chromium's fake microphone starts speaking while the avatar talks;
/// the session's event stream reports the interruption, and the page measures, on its own clock, the time from the mic's speech onset to the avatar's audio going
/// silent for good at the browser (Silero VAD + cancel + flush + network + jitter buffer).
/// </summary>
public class BargeInTests
{
    private const string Monitor = $$"""
        async () => {
          const pc = window.avatarPeer.pc;
          const ctx = new AudioContext();
          await ctx.resume();
          const meters = {{BrowserAudioMeters.Factory}}(ctx, pc);
          const log = [];
          const t0 = performance.now();
          const samples = await new Promise(resolve => {
            const timer = setInterval(() => {
              const t = performance.now() - t0;
              log.push([t, meters.mic(), meters.avatar()]);
              if (t > 13000) { clearInterval(timer); resolve(log); }
            }, 5);
          });
          const stats = [];
          (await pc.getStats()).forEach(r => {
            if (r.type === 'inbound-rtp') stats.push({ kind: r.kind, jitterBufferMs: 1000 * r.jitterBufferDelay / Math.max(1, r.jitterBufferEmittedCount),
              targetMs: 1000 * r.jitterBufferTargetDelay / Math.max(1, r.jitterBufferEmittedCount), minimumMs: 1000 * r.jitterBufferMinimumDelay / Math.max(1, r.jitterBufferEmittedCount) });
          });
          return { origin: performance.timeOrigin + t0, samples, stats };
        }
        """;

    // The browser plays an API session (so the session's event stream can be followed) through the app's own WebRTC client,
    // the way the chat page's avatar-page.js does.
    private const string Connect = """
        async (sessionId) => {
          const video = document.createElement('video');
          video.autoplay = true; video.playsInline = true; video.muted = false;
          document.body.appendChild(video);
          window.avatarPeer = WebAvatarWebRtc.connect({ sessionId, videoElement: video, mic: true, reconnect: false });
          await window.avatarPeer.ready;
          await video.play(); // as the chat page does: the received audio reaches WebAudio only while an element plays it
        }
        """;

    /// <summary>
    /// Barge-ins measured, each on a fresh session, browser and peer connection; the timing targets hold for their median.
    /// Five, not three: on two loaded cores one trial in a few finds Chromium's audio jitter buffer grown to 100-200 ms, which
    /// the stop at the browser waits out (a CI run had 425, 215 and 315 ms, with the server silent 136-160 ms after the onset
    /// each time, and the slow trials' audio buffer targets at 202 and 105 ms against 42 ms in the fast one).
    /// </summary>
    private const int Trials = 5;

    private sealed record Trial(double StopMs, double BargeInMs, double ListeningMs, string Breakdown);

    [Fact]
    public async Task Speaking_over_the_avatar_stops_its_audio_at_the_browser()
    {
        var micWav = MicWav.DelayedSpeech(10, "Stop please, I have a question for you."); // the file starts at getUserMedia: connecting took up to 5 s on a loaded box
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string>
        {
            ["WebRtc:UdpPort"] = "0",
            ["Logging:LogLevel:WebAvatar.Pipeline.Voice"] = "Debug", // the server-side timeline of the barge-in, for the report
        });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "barge-in test");
        using var api = TestApiKeys.Client(app, secret);
        try
        {
            var trials = new List<Trial>();
            for (int i = 0; i < Trials; i++)
            {
                trials.Add(await BargeInOnceAsync(app, api, micWav));
            }

            string report = string.Join("\n\n", trials.Select((t, i) =>
                $"trial {i + 1}: {t.StopMs:F0} ms from speech onset to avatar audio stopping at the browser; events: barge-in {t.BargeInMs:F0} ms, listening {t.ListeningMs:F0} ms\n{t.Breakdown}"));
            double stopMs = Readings.Median(trials.Select(t => t.StopMs));
            double bargeInMs = Readings.Median(trials.Select(t => t.BargeInMs));
            double sinceBargeInMs = Readings.Median(trials.Select(t => t.ListeningMs - t.BargeInMs));
            Console.WriteLine($"barge-in, median of {Trials}: {stopMs:F0} ms at the browser, reported {bargeInMs:F0} ms after the onset\n{report}");
            File.WriteAllText(Path.Combine(RepoPaths.Artifacts("bench"), "barge-in.txt"),
                $"{stopMs:F0} ms from speech onset to avatar audio stopping at the browser (median of {Trials})\n\n{report}\n");

            // The session's own account, from its event stream: the user's speech (not the end of the line) interrupted
            // the reply, after the onset the browser heard; reported once the onset is confirmed (the avatar was already
            // paused at its first sign): inside the 300 ms budget.
            Assert.True(bargeInMs is > 0 and < 300, $"barge-in reported {bargeInMs:F0} ms (median) after the user started speaking:\n{report}");
            // The line had about ten seconds left: listening within the barge-in budget of the interruption means it was cut.
            Assert.True(Math.Abs(sinceBargeInMs) < 300, $"listening {sinceBargeInMs:F0} ms (median) after the barge-in:\n{report}");
            // The product target at the browser: 300 ms (the pause at the first speech-like VAD window, ~115-165 ms after the
            // onset, silences the next 40 ms slot; then Chrome's audio jitter buffer, ~40-60 ms, more when A/V sync waits for
            // a late video frame on a loaded machine, hence the median).
            Assert.True(stopMs < 300, $"barge-in took {stopMs:F0} ms (median):\n{report}");
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    private static async Task<Trial> BargeInOnceAsync(AdminApp app, HttpClient api, string micWav)
    {
        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using (var events = await SseReader.OpenAsync(api, $"/api/v1/sessions/{id}/events"))
        await using (var chromium = await ChromiumLauncher.LaunchAsync(micWav))
        {
            var page = await chromium.Browser.NewPageAsync();
            await page.GotoAsync(new Uri(app.BaseAddress, "healthz").ToString());
            await page.AddScriptTagAsync(new() { Url = "/api/webrtc/webavatar-webrtc.js" });
            await page.EvaluateAsync(Connect, id);

            int before = events.Events.Count;
            var spoken = await api.PostAsJsonAsync($"/api/v1/sessions/{id}/speak", new
            {
                text = "This is a long answer that goes on and on, with many words and clauses, so that the person listening has plenty of time, " +
                    "more than enough time really, to interrupt the avatar while it is still talking about nothing in particular at all.",
                mode = "say-exactly",
            });
            Assert.Equal(HttpStatusCode.Accepted, spoken.StatusCode);

            var monitor = await page.EvaluateAsync<JsonElement>(Monitor);
            var log = monitor.GetProperty("samples").EnumerateArray().Select(e => (T: e[0].GetDouble(), Mic: e[1].GetDouble(), Avatar: e[2].GetDouble())).ToList();

            const double micOn = 0.02, avatarOn = 0.01;
            int onsetIndex = log.FindIndex(s => s.Mic > micOn);
            Assert.True(onsetIndex > 0, "the fake microphone never spoke");
            var onset = log[onsetIndex];
            int firstAvatar = log.FindIndex(s => s.Avatar > avatarOn);
            Assert.True(log.Take(onsetIndex).Count(s => s.Avatar > avatarOn) > 20,
                $"the avatar was not talking when the user started speaking (mic onset at {onset.T:F0} ms, avatar first heard at {(firstAvatar < 0 ? "never" : log[firstAvatar].T.ToString("F0", CultureInfo.InvariantCulture))} ms; events: {string.Join(", ", events.Events.Select(e => e.Type))})");
            int lastAvatar = log.FindLastIndex(s => s.Avatar > avatarOn);
            Assert.True(lastAvatar < log.Count - 200, "the avatar never went quiet: barge-in did not happen");
            double stopMs = log[lastAvatar].T - onset.T;
            double onsetUnixMs = monitor.GetProperty("origin").GetDouble() + onset.T;
            string breakdown = Describe(ServerTimeline(app.Process.Log, onsetUnixMs), stopMs, monitor.GetProperty("stats"));

            var bargeIn = await events.WaitForAsync((type, _) => type == "barge-in", TimeSpan.FromSeconds(5), before);
            double bargeInMs = bargeIn.Data.GetProperty("at").GetDateTimeOffset().ToUnixTimeMilliseconds() - onsetUnixMs;
            var listening = await events.WaitForAsync((type, data) => type == "state" && data.GetProperty("state").GetString() == "listening", TimeSpan.FromSeconds(5), before);
            double listeningMs = listening.Data.GetProperty("at").GetDateTimeOffset().ToUnixTimeMilliseconds() - onsetUnixMs;
            Console.WriteLine($"barge-in: {stopMs:F0} ms at the browser; events: barge-in {bargeInMs:F0} ms, listening {listeningMs:F0} ms after the onset\n{breakdown}");
            await api.DeleteAsync($"/api/v1/sessions/{id}");
            return new Trial(stopMs, bargeInMs, listeningMs, breakdown);
        }
    }

    /// <summary>
    /// The server's barge-in timeline on the browser's clock (both run on one machine, so their wall clocks agree):
    /// each app log line that carries "at {unix ms}", in ms after the browser saw the mic onset.
    /// </summary>
    private static List<(double Ms, string What)> ServerTimeline(string appLog, double onsetUnixMs) =>
        Regex.Matches(appLog, @"Session \S+: (?<what>[^\r\n]*?) at (?<unix>\d{13})\b(?<rest>[^\r\n]*)")
            .Select(m => (Ms: long.Parse(m.Groups["unix"].Value, CultureInfo.InvariantCulture) - onsetUnixMs, What: m.Groups["what"].Value + m.Groups["rest"].Value))
            .Where(e => e.Ms > -500)
            .ToList();

    /// <summary>Where the time went: the server timeline, the browser's end, and the receivers' average jitter-buffer delays.</summary>
    private static string Describe(List<(double Ms, string What)> timeline, double stopMs, JsonElement stats)
    {
        var lines = new List<string> { "   0 ms  mic onset at the browser" };
        lines.AddRange(timeline.Select(e => $"{e.Ms,4:F0} ms  {e.What}"));
        lines.Add($"{stopMs,4:F0} ms  avatar audio silent at the browser");
        foreach (var r in stats.EnumerateArray())
        {
            lines.Add($"  {r.GetProperty("kind").GetString()} jitter buffer: {r.GetProperty("jitterBufferMs").GetDouble():F0} ms average " +
                $"(target {r.GetProperty("targetMs").GetDouble():F0} ms, minimum {r.GetProperty("minimumMs").GetDouble():F0} ms)");
        }

        lines.Add($"  load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        return string.Join('\n', lines);
    }
}
