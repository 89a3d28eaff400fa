using Microsoft.Playwright;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>One headless Debian Chromium (via Playwright, no browser download) and one test host for the browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    internal WebRtcTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await WebRtcTestHost.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = new[]
            {
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-audio-capture=" + TestMediaFiles.MicWav, "--autoplay-policy=no-user-gesture-required",
            },
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
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
