using Microsoft.Playwright;
using WebAvatar.Testing;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>One headless Debian Chromium (the shared <see cref="ChromiumLauncher"/>, fake mic) and one test host for the browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private ChromiumSession? _chromium;

    public IBrowser Browser => _chromium?.Browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    internal WebRtcTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await WebRtcTestHost.StartAsync();
        _chromium = await ChromiumLauncher.LaunchAsync(TestMediaFiles.MicWav);
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        await Host.DisposeAsync();
    }

    /// <summary>Opens the test page in a fresh context.</summary>
    public async Task<IPage> OpenPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Permissions = new[] { "microphone" } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Host.BaseUrl + "/");
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
