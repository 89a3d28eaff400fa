using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>The avatars page's background panel in Debian's Chromium against the real app; its screenshot is artifacts/screenshots/admin-matte-preview.png.</summary>
[Collection(AdminAppCollection.Name)]
public class AvatarBackgroundBrowserTests(AdminAppFixture fixture)
{
    [Fact]
    public async Task Admin_sees_the_matte_over_a_checkerboard_and_removes_the_background()
    {
        using var http = await fixture.App.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(http);
        var id = await AdminApp.UploadAvatarAsync(http, AdminTestAssets.AvatarPng, "transparent-eileen.png");
        Assert.Equal("Ready", (await AdminApp.WaitForAvatarAsync(http, id, TimeSpan.FromSeconds(90))).GetProperty("status").GetString());

        var shots = RepoPaths.Artifacts("screenshots");
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = fixture.App.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await AdminBrowserTests.SignInAsync(page);
            await page.GotoAsync("/admin/avatars");
            await page.WaitForSelectorAsync(".admin-nav[data-interactive='true']");

            await page.Locator("tr:has(.avatar-name:text-is('transparent-eileen')) .avatar-background").ClickAsync();
            var image = page.Locator("#matte-preview img");
            await Assertions.Expect(image).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => { const i = document.querySelector('#matte-preview img'); return i && i.complete && i.naturalWidth === 320; }");
            Assert.Contains("background separated by grabcut", await page.InnerTextAsync("#matte-status"));
            await page.Locator("#background-panel").ScrollIntoViewIfNeededAsync();
            await page.Locator("#background-panel").ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-matte-preview.png") });

            await page.CheckAsync("#background-remove");
            await page.ClickAsync("#apply-background");
            await Assertions.Expect(page.Locator("#background-current")).ToContainTextAsync("removed (transparent)");
            var avatars = JsonDocument.Parse(await (await context.APIRequest.GetAsync("/api/admin/avatars")).TextAsync()).RootElement;
            Assert.Equal("remove", avatars.EnumerateArray().Single(a => a.GetProperty("id").GetString() == id).GetProperty("backgroundMode").GetString());
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-matte-preview-FAILED.png"), FullPage = true });
            throw;
        }
    }
}
