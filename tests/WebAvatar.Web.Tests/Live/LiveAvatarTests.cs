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

            await page.Locator("#message-input").FillAsync("Hello there, how are you today? I hope you are well.");
            await page.Locator("#send-button").ClickAsync();
            await Assertions.Expect(page.Locator("#state-chip")).ToHaveTextAsync("Speaking", new() { Timeout = 15_000 });

            var before = await StatsAsync(page);
            var t0 = Stopwatch.StartNew();
            await Task.Delay(3000);
            var after = await StatsAsync(page);
            double seconds = t0.Elapsed.TotalSeconds;

            double fps = (Number(after, "video", "framesDecoded") - Number(before, "video", "framesDecoded")) / seconds;
            double audioRate = (Number(after, "audio", "totalSamplesReceived") - Number(before, "audio", "totalSamplesReceived")) / seconds;
            Console.WriteLine($"video {fps:F1} fps, audio {audioRate:F0} samples/s, codec {after.GetProperty("video").GetProperty("mimeType")}");
            Assert.True(fps >= 20, $"video decoded at {fps:F1} fps");
            Assert.True(audioRate > 40_000, $"audio samples grow at {audioRate:F0}/s");

            // The browser's (fake) microphone reaches the server through the same peer connection.
            var peerUrl = await page.EvaluateAsync<string>("avatarPage.peerUrl()");
            using var http = new HttpClient();
            using var server = JsonDocument.Parse(await http.GetStringAsync(peerUrl + "/stats"));
            long micPackets = server.RootElement.GetProperty("micPacketsReceived").GetInt64();
            Assert.True(micPackets > 20, $"mic packets at the server: {micPackets}");

            await Assertions.Expect(page.Locator("#transcript")).ToContainTextAsync("how are you today");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "chat-live.png") });
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

    private static async Task<JsonElement> StatsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("avatarPage.stats()");
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        return json;
    }

    private static double Number(JsonElement stats, string track, string field) =>
        stats.TryGetProperty(track, out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : 0;
}
