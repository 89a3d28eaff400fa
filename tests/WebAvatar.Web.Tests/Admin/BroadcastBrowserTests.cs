using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>
/// A broadcast started from the dashboard in Chromium keeps running after the browser is gone entirely, where a chat
/// session would end after the grace time (2 s here).
/// </summary>
public sealed class BroadcastBrowserTests
{
    private const string Line = "This broadcast keeps going after the browser has closed.";

    [Fact]
    public async Task Broadcast_started_from_the_page_outlives_the_browser()
    {
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["Sessions:GraceSeconds"] = "2" });
        await BroadcastApiTests.AddTargetAsync(app, "Local SRS", "rtmp://127.0.0.1:9/live", "browser-secret-9911");

        string id;
        await using (var chromium = await ChromiumLauncher.LaunchAsync())
        {
            var context = await chromium.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            try
            {
                id = await StartFromThePageAsync(page);
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "admin-broadcasts-FAILED.png"), FullPage = true });
                await File.WriteAllTextAsync(Path.Combine(RepoPaths.Artifacts("screenshots"), "admin-broadcasts-FAILED.log"), app.Process.Log);
                throw;
            }
        }

        // The browser, its page and its circuit are gone; a chat would have ended 2 s later.
        await Task.Delay(TimeSpan.FromSeconds(4));
        using var admin = await app.SignInAsync();
        var sessions = await admin.GetFromJsonAsync<JsonElement>("/api/admin/sessions");
        var listed = sessions.EnumerateArray().Where(s => s.GetProperty("id").GetString() == id).ToList();
        Assert.True(listed.Count == 1, $"broadcast {id} is still listed after the browser closed: {sessions}");
        Assert.Equal("Broadcast", listed[0].GetProperty("kind").GetString());
        // The line said from the page was spoken to its end, and recorded, with no browser listening.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await admin.GetStringAsync($"/api/admin/history/{id}")).Contains(Line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the line said from the page reaches the history");
            await Task.Delay(250);
        }

        await AdminApp.AddAntiforgeryHeaderAsync(admin);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/broadcasts/{id}")).StatusCode);
    }

    private static async Task<string> StartFromThePageAsync(IPage page)
    {
        await AdminBrowserTests.SignInAsync(page);

        await page.GotoAsync("/admin/broadcasts");
        await AdminBrowserTests.WaitInteractiveAsync(page);
        await page.Locator(".admin-nav a:has-text('Broadcasts')").WaitForAsync();
        await page.Locator(".broadcast-target input").CheckAsync();
        await page.WaitForSelectorAsync("#no-target-hint", new() { State = WaitForSelectorState.Detached });
        await page.ClickAsync("#start-broadcast");
        var card = await page.WaitForSelectorAsync(".broadcast-card");
        var id = await card!.GetAttributeAsync("data-session-id");
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Contains("streaming to Local SRS", await page.InnerTextAsync("#broadcast-notice"));

        await page.FillAsync(".broadcast-line input", Line);
        await page.ClickAsync(".say-button");
        await page.WaitForSelectorAsync(".broadcast-state:has-text('speaking')", new() { Timeout = 15_000 });
        await page.WaitForSelectorAsync(".broadcast-card .mirror-target:text-is('rtmp://127.0.0.1:9/live/****')");
        Assert.DoesNotContain("browser-secret", await page.ContentAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "admin-broadcasts.png"), FullPage = true });

        await page.GotoAsync("/admin/sessions");
        await AdminBrowserTests.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync($"#session-table tr:has(code:text-is('{id}')) .session-kind:has-text('broadcast')");
        await page.WaitForSelectorAsync($"#session-table tr:has(code:text-is('{id}')) .session-holders:text-is('broadcast')");
        return id!;
    }
}
