using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// Barge-in through the live pipeline: Chromium's fake microphone starts speaking while the avatar talks;
/// the page measures, on its own clock, the time from the mic's speech onset to the avatar's audio going
/// silent for good at the browser (Silero VAD + cancel + flush + network + jitter buffer).
/// </summary>
public class BargeInTests
{
    private const string Monitor = $$"""
        async () => {
          const pc = avatarPage.controller().pc;
          const ctx = new AudioContext();
          await ctx.resume();
          const meters = {{BrowserAudioMeters.Factory}}(ctx, pc);
          const log = [];
          const t0 = performance.now();
          const samples = await new Promise(resolve => {
            const timer = setInterval(() => {
              const t = performance.now() - t0;
              log.push([t, meters.mic(), meters.avatar()]);
              if (t > 9000) { clearInterval(timer); resolve(log); }
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

    [Fact]
    public async Task Speaking_over_the_avatar_stops_its_audio_at_the_browser()
    {
        var micWav = MicWav.DelayedSpeech(4, "Stop please, I have a question for you.");
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["WebRtc:UdpPort"] = "0",
            ["Logging:LogLevel:WebAvatar.Pipeline.Voice"] = "Debug", // the server-side timeline of the barge-in
        });
        await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
        var browser = chromium.Browser;
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(app.BaseAddress.ToString());
            await Assertions.Expect(page.Locator("#start-button")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await page.Locator("#start-button").ClickAsync();
            await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });

            await page.Locator("#say-exactly").CheckAsync();
            await page.Locator("#message-input").FillAsync(
                "This is a long answer that goes on and on, with many words and clauses, so that the person listening has plenty of time, " +
                "more than enough time really, to interrupt the avatar while it is still talking about nothing in particular at all.");
            await page.Locator("#send-button").ClickAsync();

            var monitor = await page.EvaluateAsync<JsonElement>(Monitor);
            var log = monitor.GetProperty("samples").EnumerateArray().Select(e => (T: e[0].GetDouble(), Mic: e[1].GetDouble(), Avatar: e[2].GetDouble())).ToList();

            const double micOn = 0.02, avatarOn = 0.01;
            int onsetIndex = log.FindIndex(s => s.Mic > micOn);
            Assert.True(onsetIndex > 0, "the fake microphone never spoke");
            var onset = log[onsetIndex];
            Assert.True(log.Take(onsetIndex).Count(s => s.Avatar > avatarOn) > 20, "the avatar was not talking when the user started speaking");
            int lastAvatar = log.FindLastIndex(s => s.Avatar > avatarOn);
            Assert.True(lastAvatar < log.Count - 200, "the avatar never went quiet: barge-in did not happen");
            double stopMs = log[lastAvatar].T - onset.T;
            Console.WriteLine($"barge-in: mic onset at {onset.T:F0} ms, avatar silent from {log[lastAvatar].T:F0} ms: {stopMs:F0} ms");
            var timeline = ServerTimeline(app.Log, monitor.GetProperty("origin").GetDouble() + onset.T);
            var breakdown = Describe(timeline, stopMs, monitor.GetProperty("stats"));
            Console.WriteLine(breakdown);
            File.WriteAllText(Path.Combine(RepoPaths.Artifacts("bench"), "barge-in.txt"), $"{stopMs:F0} ms from speech onset to avatar audio stopping at the browser\n{breakdown}\n");
            // The server's part, which the browser's jitter buffer does not blur: the first window that sounds like speech
            // pauses the avatar (~120 ms after the onset: Silero needs the first vowel), and its output is silent from
            // the next 40 ms slot, long before the onset is confirmed.
            int paused = timeline.FindIndex(e => e.What.StartsWith("possible speech onset, avatar paused", StringComparison.Ordinal));
            Assert.True(paused >= 0, $"the avatar was not paused at the first sign of speech:\n{breakdown}");
            var silentSlot = timeline.Skip(paused).FirstOrDefault(e => e.What.StartsWith("first silent slot", StringComparison.Ordinal));
            Assert.True(silentSlot.What is not null, $"no silent slot followed the pause:\n{breakdown}");
            Assert.True(silentSlot.Ms < 250, $"the avatar's output went silent {silentSlot.Ms:F0} ms after the onset:\n{breakdown}");
            if (stopMs < silentSlot.Ms)
            {
                // Its last sound came before the pause could reach the browser: the onset fell between two words.
                Console.WriteLine($"(the avatar was between words at the onset: its last sound preceded the pause's silent slot at {silentSlot.Ms:F0} ms)");
            }

            // The product target at the browser: 300 ms. Measured 95-225 ms (the pause leaves the server ~115-165 ms after the
            // onset, then Chrome's audio jitter buffer, ~40-60 ms now that the pacer and the peers' sends run on the session's
            // own thread; when they waited for thread-pool threads, a reply's start-up burst grew it to 150-300 ms).
            Assert.True(stopMs < 300, $"barge-in took {stopMs:F0} ms:\n{breakdown}");
            await Assertions.Expect(page.Locator("#state-chip")).Not.ToHaveTextAsync("Speaking");
        }
        finally
        {
            File.Delete(micWav);
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
