using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// How long a chat page's session lives, with the real app and Chromium: a crashed browser frees its slot within the
/// grace time, and a reload resumes the tab's own session (only that tab's: the resume token proves it).
/// </summary>
public class SessionLifetimeTests
{
    private const string Busy = "its one live session is in use";
    private static readonly TimeSpan FreeSlotTarget = TimeSpan.FromSeconds(15);
    private static readonly LocatorAssertionsToHaveTextOptions InnerText = new() { UseInnerText = true };

    [Fact]
    public async Task A_killed_browser_frees_its_slot_within_fifteen_seconds()
    {
        var micWav = MicWav.Tone(60);
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0", ["Sessions:MaxSessions"] = "1" });
        try
        {
            var before = BrowserProcesses.Mine();
            await using var victim = await ChromiumLauncher.LaunchAsync(micWav);
            // Every Chromium browser process that appeared with this launch (tests run one at a time; a fresh clone once
            // showed two, so all of them go, the way a crash takes the whole browser).
            var victimPids = BrowserProcesses.Mine().Except(before).ToList();
            Assert.NotEmpty(victimPids);
            var page = await victim.Browser.NewPageAsync();
            await page.GotoAsync(app.BaseAddress.ToString());
            var start = page.Locator("#start-button");
            await Assertions.Expect(start).ToBeEnabledAsync(new() { Timeout = 30_000 });
            var sessionId = await page.Locator("#avatar-stage").GetAttributeAsync("data-session-id");
            Assert.False(string.IsNullOrEmpty(sessionId));
            await start.ClickAsync();
            await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });

            // A newcomer waits for the slot (the page retries by itself every 2 s).
            await using var observer = await ChromiumLauncher.LaunchAsync();
            var newcomer = await observer.Browser.NewPageAsync();
            await newcomer.GotoAsync(app.BaseAddress.ToString());
            await Assertions.Expect(newcomer.Locator("#session-error")).ToContainTextAsync(Busy, new() { Timeout = 30_000 });

            using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            Assert.Equal(1, await LiveSessionsAsync(http));
            var clock = Stopwatch.StartNew();
            foreach (var pid in victimPids)
            {
                try
                {
                    using var browser = Process.GetProcessById(pid);
                    browser.Kill(); // SIGKILL
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            while (await LiveSessionsAsync(http) != 0 && clock.Elapsed < TimeSpan.FromSeconds(40))
            {
                await Task.Delay(200);
            }

            var freed = clock.Elapsed;
            Console.WriteLine($"kill to free slot: {freed.TotalSeconds:F2} s (target {FreeSlotTarget.TotalSeconds:F0} s)");
            Assert.True(freed < FreeSlotTarget, $"the killed browser's session held its slot for {freed.TotalSeconds:F2} s");

            var stage = newcomer.Locator("#avatar-stage");
            await Assertions.Expect(stage).ToHaveAttributeAsync("data-session-id", new System.Text.RegularExpressions.Regex(".+"), new() { Timeout = 10_000 });
            Assert.NotEqual(sessionId, await stage.GetAttributeAsync("data-session-id"));
            await Assertions.Expect(newcomer.Locator("#start-button")).ToBeEnabledAsync();
            await Assertions.Expect(newcomer.Locator("#session-error")).ToBeHiddenAsync();
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    [Fact]
    public async Task A_reload_resumes_the_tabs_own_session_and_no_other_tab_can()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0", ["Sessions:MaxSessions"] = "1" });
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#start-button")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        var sessionId = await page.Locator("#avatar-stage").GetAttributeAsync("data-session-id");
        Assert.False(string.IsNullOrEmpty(sessionId));

        await SendAndWaitForTheEchoAsync(page, "Hello from the first line.", 1);
        await SendAndWaitForTheEchoAsync(page, "And this is the second one.", 2);
        var lines = await page.Locator("#transcript .line").AllInnerTextsAsync();
        Assert.Equal(4, lines.Count);

        await page.ReloadAsync();

        await Assertions.Expect(page.Locator("#avatar-stage")).ToHaveAttributeAsync("data-session-id", sessionId!, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#transcript .line")).ToHaveTextAsync(lines, InnerText);

        // Another tab has no resume token: it is refused a slot rather than given this session.
        await using var other = await chromium.Browser.NewContextAsync();
        var stranger = await other.NewPageAsync();
        await stranger.GotoAsync(app.BaseAddress.ToString());
        await Assertions.Expect(stranger.Locator("#session-error")).ToContainTextAsync(Busy, new() { Timeout = 30_000 });
        Assert.Null(await stranger.Locator("#avatar-stage").GetAttributeAsync("data-session-id"));

        // The session id appears in WHEP URLs; with a made-up token it resumes nothing.
        await using var forger = await chromium.Browser.NewContextAsync();
        await forger.AddInitScriptAsync($"sessionStorage.setItem('webavatar.session', JSON.stringify({{ id: '{sessionId}', token: '{new string('0', 48)}' }}));");
        var forged = await forger.NewPageAsync();
        await forged.GotoAsync(app.BaseAddress.ToString());
        await Assertions.Expect(forged.Locator("#session-error")).ToContainTextAsync(Busy, new() { Timeout = 30_000 });
        Assert.Null(await forged.Locator("#avatar-stage").GetAttributeAsync("data-session-id"));
        Assert.Equal(sessionId, await forged.EvaluateAsync<string>("JSON.parse(sessionStorage.getItem('webavatar.session')).id"));

        await Assertions.Expect(page.Locator("#avatar-stage")).ToHaveAttributeAsync("data-session-id", sessionId!);
        await Assertions.Expect(page.Locator("#transcript .line")).ToHaveTextAsync(lines, InnerText);
    }

    private static async Task SendAndWaitForTheEchoAsync(IPage page, string text, int replies)
    {
        await page.Locator("#message-input").FillAsync(text);
        await page.Locator("#send-button").ClickAsync();
        // Echo mode: the avatar says the line back; the next line waits until it has finished (so it is not interrupted).
        await Assertions.Expect(page.Locator("#transcript .line.avatar").Nth(replies - 1)).ToContainTextAsync(text, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#state-chip")).ToHaveTextAsync("Listening", new() { Timeout = 30_000 });
    }

    private static async Task<int> LiveSessionsAsync(HttpClient http)
    {
        var health = await http.GetFromJsonAsync<JsonElement>("api/health");
        return health.GetProperty("liveSessions").GetInt32();
    }
}
