using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>The API keys page and the avatars' public switch in Debian's Chromium against the real app.</summary>
[Collection(AdminAppCollection.Name)]
public class ApiKeysBrowserTests(AdminAppFixture fixture)
{
    [Fact]
    public async Task Admin_creates_a_key_sees_it_once_and_makes_an_avatar_public()
    {
        var avatarId = await AddAvatarAsync("Browser face");
        var shots = RepoPaths.Artifacts("screenshots");
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = fixture.App.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await AdminBrowserTests.SignInAsync(page);
            await page.GotoAsync("/admin/api-keys");
            await AdminBrowserTests.WaitInteractiveAsync(page);
            await page.FillAsync("#key-name", "Browser kiosk");
            await page.FillAsync("#key-origins", "https://Shop.Example.com/");
            await page.ClickAsync("#create-key");
            var secret = (await page.Locator("#new-key-secret").InnerTextAsync()).Trim();
            Assert.Matches("^wa_[A-Za-z0-9_-]{43}$", secret);
            Assert.Contains("cannot be shown again", await page.Locator("#new-key").InnerTextAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-api-keys.png"), FullPage = true });

            await page.ReloadAsync();
            await AdminBrowserTests.WaitInteractiveAsync(page);
            await page.WaitForSelectorAsync($"#key-table code:text-is('wa_{secret[3..11]}…')");
            Assert.Equal(0, await page.Locator("#new-key-secret").CountAsync());
            Assert.DoesNotContain(secret[11..], await page.ContentAsync());

            // The widget's allowed origins: shown normalised, edited in place, a bad entry refused by name.
            var row = page.Locator($"tr:has(code:text-is('wa_{secret[3..11]}…'))");
            await Assertions.Expect(row.Locator(".key-origins")).ToContainTextAsync("https://shop.example.com");
            await row.Locator(".edit-origins").ClickAsync();
            await row.Locator(".origins-input input").FillAsync("shop.example.com");
            await row.Locator(".save-origins").ClickAsync();
            await page.WaitForSelectorAsync("text='shop.example.com' is not an origin");
            await row.Locator(".origins-input input").FillAsync("https://shop.example.com, http://localhost:8080");
            await row.Locator(".save-origins").ClickAsync();
            await Assertions.Expect(row.Locator(".key-origins")).ToContainTextAsync("https://shop.example.com, http://localhost:8080");

            await page.GotoAsync("/admin/avatars");
            await AdminBrowserTests.WaitInteractiveAsync(page);
            await page.Locator($"tr:has(.avatar-name:text-is('Browser face')) .avatar-public input").CheckAsync();
            await page.WaitForSelectorAsync("text=can be chosen on the chat page");
            var avatars = JsonDocument.Parse(await (await context.APIRequest.GetAsync("/api/admin/avatars")).TextAsync()).RootElement;
            Assert.True(avatars.EnumerateArray().Single(a => a.GetProperty("id").GetString() == avatarId).GetProperty("isPublic").GetBoolean());
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "admin-api-keys-FAILED.png"), FullPage = true });
            throw;
        }
    }

    private async Task<string> AddAvatarAsync(string name)
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        var options = new DbContextOptionsBuilder<WebAvatarDbContext>()
            .UseSqlite($"Data Source={Path.Combine(fixture.App.DataFolder, "webavatar.db")};Pooling=False").Options;
        await using var db = new WebAvatarDbContext(options);
        db.Avatars.Add(new AvatarRecord { Id = id, Name = name, MediaType = "image/png", StoredFileName = "source.png", Status = AvatarStatus.Ready, CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return id;
    }
}
