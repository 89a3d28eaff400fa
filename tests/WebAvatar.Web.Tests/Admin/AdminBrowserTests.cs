using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>
/// The dashboard in Debian's Chromium against the real app: sign in, upload an image and a video, watch
/// preprocessing reach 100 %, use each page, and save a screenshot of every admin page to artifacts/screenshots/.
/// </summary>
[Collection(AdminAppCollection.Name)]
public class AdminBrowserTests(AdminAppFixture fixture)
{
    [Fact]
    public async Task Admin_signs_in_uploads_avatars_and_visits_every_page()
    {
        var video = AdminTestAssets.AvatarMp4;
        var shots = RepoPaths.Artifacts("screenshots");
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = fixture.App.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await RunScenarioAsync(context, page, shots, video);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-FAILED.png"), FullPage = true });
            throw;
        }
    }

    private async Task RunScenarioAsync(IBrowserContext context, IPage page, string shots, string video)
    {

        // Anonymous visit: sent to sign in, and the wrong password is explained.
        await page.GotoAsync("/admin/avatars");
        Assert.Contains("/admin/login", page.Url);
        await WaitLoginReadyAsync(page);
        await page.FillAsync("#UserName", AdminApp.User);
        await page.FillAsync("#Password", "not-the-password");
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#login-error");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-login.png"), FullPage = true });
        await WaitLoginReadyAsync(page);

        await page.FillAsync("#UserName", AdminApp.User);
        await page.FillAsync("#Password", AdminApp.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForURLAsync("**/admin");
        await page.GotoAsync("/admin/avatars");
        await WaitInteractiveAsync(page);

        await page.SetInputFilesAsync("#avatar-upload", AdminTestAssets.AvatarPng);
        await page.WaitForSelectorAsync(".avatar-progress[data-percent='100']", new() { Timeout = 60_000 });
        await page.SetInputFilesAsync("#avatar-upload", video);
        await page.WaitForFunctionAsync("() => document.querySelectorAll(\".avatar-progress[data-percent='100']\").length === 2", null, new() { Timeout = 60_000 });
        var names = await page.Locator(".avatar-name").AllInnerTextsAsync();
        Assert.Contains("avatar", names);
        Assert.Contains("avatar-2s", names);
        Assert.Empty(await page.Locator(".avatar-progress .mud-error-text").AllAsync());

        await page.Locator("tr:has(.avatar-name:text-is('avatar')) button:has-text('Make default')").ClickAsync();
        await page.WaitForSelectorAsync("text=is now the default");
        await ClickUntilAsync(page, "tr:has(.avatar-name:text-is('avatar')) img.avatar-thumb", "#face-preview img");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-avatars.png"), FullPage = true });

        // A chat session in a second tab gives the live pages something to show.
        var chat = await context.NewPageAsync();
        await chat.GotoAsync("/");
        string chatLine = $"Hello avatar, how are you? ({Guid.NewGuid().ToString("N")[..8]})";
        await SendChatLineAsync(chat, chatLine);

        await page.GotoAsync("/admin/voices");
        await WaitInteractiveAsync(page);
        Assert.Contains("Active TTS engine:", await page.InnerTextAsync("#tts-engine"));
        await page.FillAsync("#voice-filter", "en-us");
        await page.WaitForSelectorAsync("#voice-table code:text-is('en-us')");
        await page.ClickAsync("#preview-button");
        var audio = await page.WaitForSelectorAsync("#preview-audio", new() { Timeout = 30_000 });
        Assert.StartsWith("data:audio/wav;base64,", await audio!.GetAttributeAsync("src"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-voices.png"), FullPage = true });

        await page.GotoAsync("/admin/personas");
        await WaitInteractiveAsync(page);
        await page.FillAsync("#persona-greeting", "Hello! I am the demo avatar.");
        await page.ClickAsync("#save-persona");
        await page.WaitForSelectorAsync("text=Persona saved");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-personas.png"), FullPage = true });

        await page.GotoAsync("/admin/streams");
        await WaitInteractiveAsync(page);
        await page.FillAsync("#target-name", "Local nginx");
        await page.FillAsync("#target-url", "rtmp://127.0.0.1:9/live");
        await page.FillAsync("#target-key", "super-secret-key-7788");
        await page.ClickAsync("#add-target");
        await page.WaitForSelectorAsync(".masked-key:has-text('7788')");
        Assert.DoesNotContain("super-secret", await page.ContentAsync());
        // The mirror is real now (media layer); nothing listens on the target, so it keeps trying without leaking the key.
        await page.Locator("#mirror-table .mirror-start").First.ClickAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#mirror-table .mirror-state')].some(c => c.textContent.trim() !== 'Stopped')");
        Assert.DoesNotContain("super-secret", await page.ContentAsync());
        var api = await context.APIRequest.GetAsync("/api/admin/streams");
        Assert.DoesNotContain("super-secret", await api.TextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-streams.png"), FullPage = true });

        await page.GotoAsync("/admin/sessions");
        await WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("#session-table");
        await page.WaitForTimeoutAsync(1500);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-sessions.png"), FullPage = true });

        await page.GotoAsync("/admin/history");
        await page.WaitForSelectorAsync("#history-table");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-history.png"), FullPage = true });
        // The chat line above was saved: its session is the latest in the list (this collection's tests run one at a time).
        var latestSession = page.Locator("#history-table a:has-text('View')").First;
        await Assertions.Expect(latestSession).ToBeVisibleAsync();
        await latestSession.ClickAsync();
        await Assertions.Expect(page.Locator("#history-messages")).ToContainTextAsync(chatLine);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-history-session.png"), FullPage = true });

        await page.GotoAsync("/admin");
        await page.WaitForSelectorAsync("text=Overview");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-overview.png"), FullPage = true });

        var list = JsonDocument.Parse(await (await context.APIRequest.GetAsync("/api/admin/avatars")).TextAsync()).RootElement;
        // Other tests share this app: count the two avatars this test uploaded, by name.
        var mine = list.EnumerateArray().Where(a => a.GetProperty("name").GetString() is "avatar" or "avatar-2s").ToList();
        Assert.Equal(2, mine.Count(a => a.GetProperty("status").GetString() == "Ready"));
        Assert.Single(list.EnumerateArray(), a => a.GetProperty("isDefault").GetBoolean());
        await chat.CloseAsync();

        await WaitInteractiveAsync(page);
        await page.ClickAsync(".admin-nav button[type=submit]:has-text('Sign out')");
        await page.WaitForURLAsync("**/admin/login");
        await page.GotoAsync("/admin/streams");
        Assert.Contains("/admin/login?ReturnUrl=", page.Url);
    }

    /// <summary>Clicks again when a re-render swallowed the first click (the list reloads after each change).</summary>
    private static async Task ClickUntilAsync(IPage page, string target, string expected)
    {
        for (int attempt = 1; ; attempt++)
        {
            await page.Locator(target).ClickAsync();
            try
            {
                await page.WaitForSelectorAsync(expected, new() { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Signs <paramref name="page"/> in as the admin (its context's base URL is the app) and waits for the dashboard.</summary>
    internal static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/admin/login");
        await WaitLoginReadyAsync(page);
        await page.FillAsync("#UserName", AdminApp.User);
        await page.FillAsync("#Password", AdminApp.Password);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForURLAsync("**/admin");
    }

    // The page re-renders when its circuit connects; typing before that can be lost.
    internal static Task WaitLoginReadyAsync(IPage page) =>
        page.WaitForSelectorAsync("#login-form[data-interactive='true']", new() { Timeout = 30_000 });

    internal static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync(".admin-nav[data-interactive='true']", new() { Timeout = 30_000 });

    /// <summary>Types one line on the chat page (echo mode answers it) so history and the live pages have data; it must arrive.</summary>
    private static async Task SendChatLineAsync(IPage chat, string line)
    {
        var input = chat.Locator("#message-input");
        await Assertions.Expect(input).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await input.FillAsync(line);
        await chat.ClickAsync("#send-button");
        await Assertions.Expect(chat.Locator("#transcript")).ToContainTextAsync(line, new() { Timeout = 15_000 });
    }
}
