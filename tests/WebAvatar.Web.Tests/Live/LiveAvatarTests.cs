using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>The whole product as a person uses it: Chromium opens the chat page, connects over our WebRTC peer, types, watches and listens.</summary>
public class LiveAvatarTests
{
    [Fact]
    public async Task Browser_sees_and_hears_the_avatar_speak_and_its_mic_reaches_the_server()
    {
        // A tone, not speech: speech from the looping fake mic would (rightly) barge in on the avatar.
        var micWav = MicWav.Tone();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
        var browser = chromium.Browser;
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            await page.GotoAsync(app.BaseAddress.ToString());
            var start = page.Locator("#start-button");
            await Assertions.Expect(start).ToBeEnabledAsync(new() { Timeout = 30_000 });

            var clock = Stopwatch.StartNew();
            await start.ClickAsync();
            await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
            Console.WriteLine($"click to connected: {clock.ElapsedMilliseconds} ms");
            long connectMs = clock.ElapsedMilliseconds;

            await page.Locator("#message-input").FillAsync("Hello there, how are you today? I hope you are well.");
            await page.Locator("#send-button").ClickAsync();
            await Assertions.Expect(page.Locator("#state-chip")).ToHaveTextAsync("Speaking", new() { Timeout = 15_000 });

            // Rates on the browser's own stats clock over 4 s (no test-to-browser round trips in the interval). The target is
            // 25 fps: a frame held over either end of the interval by arrival jitter costs at most one frame (24.75).
            var samples = await page.EvaluateAsync<JsonElement>(SampleStats);
            var points = samples.EnumerateArray().ToList();
            double seconds = (Number(points[^1], "video", "timestamp") - Number(points[0], "video", "timestamp")) / 1000;
            // Slopes fitted through all nine readings: one packet's arrival jitter at an end no longer decides the rate.
            double fps = Slope(points, "video", "framesDecoded");
            double audioRate = Slope(points, "audio", "totalSamplesReceived");
            Console.WriteLine($"video {fps:F2} fps, audio {audioRate:F0} samples/s over {seconds:F2} s (fitted over {points.Count} readings), codec {points[^1].GetProperty("video").GetProperty("codecId")}");
            Assert.True(seconds > 3.5, $"the stats covered only {seconds:F2} s");
            Assert.True(fps >= 25 - 1 / seconds, $"video decoded at {fps:F2} fps (25 expected)");
            Assert.True(audioRate >= 48_000 * (1 - 0.04 / seconds), $"audio samples grow at {audioRate:F0}/s (48000 expected)");

            // The browser's (fake) microphone reaches the server through the same peer connection.
            var peerUrl = await page.EvaluateAsync<string>("avatarPage.peerUrl()");
            using var http = new HttpClient();
            using var server = JsonDocument.Parse(await http.GetStringAsync(peerUrl + "/stats"));
            long micPackets = server.RootElement.GetProperty("micPacketsReceived").GetInt64();
            Assert.True(micPackets > 20, $"mic packets at the server: {micPackets}");

            await Assertions.Expect(page.Locator("#transcript")).ToContainTextAsync("how are you today");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "chat-live.png") });

            // Measured ~1.0 s (getUserMedia, offer/answer, ICE, DTLS; README); a visitor waits for it before anything plays.
            // Asserted last so that one run reports every figure.
            Assert.True(connectMs < ConnectWithinMs, $"click to connected took {connectMs} ms");
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    [Fact]
    public async Task The_session_over_the_limit_is_refused_with_a_clear_message()
    {
        var micWav = MicWav.Speech("Hello.");
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0", ["Sessions:MaxSessions"] = "1" });
        await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
        var browser = chromium.Browser;
        try
        {
            var first = await browser.NewPageAsync();
            await first.GotoAsync(app.BaseAddress.ToString());
            await Assertions.Expect(first.Locator("#start-button")).ToBeEnabledAsync(new() { Timeout = 30_000 });

            var second = await browser.NewPageAsync();
            await second.GotoAsync(app.BaseAddress.ToString());
            await Assertions.Expect(second.Locator("#session-error")).ToContainTextAsync("its one live session is in use", new() { Timeout = 30_000 });
            await Assertions.Expect(first.Locator("#start-button")).ToBeEnabledAsync();
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    private const int ConnectWithinMs = 2000;

    private const string SampleStats = """
        async () => {
          const samples = [];
          for (let i = 0; i < 9; i++) {
            samples.push(await avatarPage.stats());
            await new Promise(resolve => setTimeout(resolve, 500));
          }
          return samples;
        }
        """;

    /// <summary>Least-squares slope of <paramref name="field"/> per second of the stats' own timestamps.</summary>
    private static double Slope(List<JsonElement> points, string track, string field)
    {
        var xs = points.Select(p => Number(p, track, "timestamp") / 1000).ToArray();
        var ys = points.Select(p => Number(p, track, field)).ToArray();
        double mx = xs.Average(), my = ys.Average();
        return xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / xs.Sum(x => (x - mx) * (x - mx));
    }

    private static double Number(JsonElement stats, string track, string field) =>
        stats.TryGetProperty(track, out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : 0;
}
