using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WebAvatar.Web.Api.Keys;
using WebAvatar.Web.Components.Pages.Admin;
using WebAvatar.Web.Tests.Api;

namespace WebAvatar.Web.Tests.Admin;

public sealed class ApiKeysPageTests : BunitContext, IAsyncLifetime
{
    private TestDatabase _db = null!;

    private ApiKeyStore Store => _db.Services.GetRequiredService<ApiKeyStore>();

    public async Task InitializeAsync()
    {
        _db = await ApiKeyStoreTests.CreateAsync(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Store);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_created_key_is_shown_once_with_a_copy_button_then_only_by_its_prefix()
    {
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<ApiKeys>();
        page.WaitForAssertion(() => Assert.Contains("No API keys yet.", page.Markup));
        Assert.Empty(page.FindAll("#new-key-secret"));

        page.Find("#key-name").Change("Lobby kiosk");
        page.Find("#key-form").Submit();
        var secret = page.WaitForElement("#new-key-secret").TextContent.Trim();
        Assert.Matches("^wa_[A-Za-z0-9_-]{43}$", secret);
        Assert.Contains("cannot be shown again", page.Find("#new-key").TextContent);
        var id = await Store.ValidateAsync(secret, CancellationToken.None);
        Assert.NotNull(id);
        Assert.Equal("Lobby kiosk", page.Find(".key-name").TextContent.Trim());
        Assert.Equal($"wa_{secret[3..11]}…", page.Find(".key-prefix").TextContent.Trim());

        page.Find("#copy-key").Click();
        Assert.Equal(secret, JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments[0]);

        // Another visit (or a reload) lists the key without its secret.
        var again = Render<ApiKeys>();
        again.WaitForAssertion(() => Assert.Contains("Lobby kiosk", again.Markup));
        Assert.Empty(again.FindAll("#new-key-secret"));
        Assert.DoesNotContain(secret[11..], again.Markup);
    }

    [Fact]
    public async Task Revoking_asks_for_confirmation_then_marks_the_key_revoked()
    {
        var key = await Store.CreateAsync("Widget", CancellationToken.None);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<ApiKeys>();
        page.WaitForAssertion(() => Assert.Contains("Widget", page.Markup));
        Assert.Equal("active", page.Find(".key-status").TextContent.Trim());

        page.Find(".revoke-key").Click();
        Assert.NotNull(await Store.ValidateAsync(key.Secret, CancellationToken.None));
        page.Find(".confirm-revoke").Click();

        page.WaitForAssertion(() => Assert.StartsWith("revoked", page.Find(".key-status").TextContent.Trim()));
        Assert.Null(await Store.ValidateAsync(key.Secret, CancellationToken.None));
        Assert.Empty(page.FindAll(".revoke-key"));
    }
}
