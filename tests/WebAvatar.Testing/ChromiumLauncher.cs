using Microsoft.Playwright;

namespace WebAvatar.Testing;

/// <summary>Debian's Chromium driven by Playwright; optionally with a fake camera/mic playing a WAV (see <see cref="MicWav"/>).</summary>
public static class ChromiumLauncher
{
    private static readonly string[] BaseArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        // Background pages (several sessions in one browser) must keep decoding and running timers at full rate.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
    ];

    /// <summary>Headless Chromium; with <paramref name="micWav"/>, a fake camera and a microphone playing that file (looped).</summary>
    public static async Task<ChromiumSession> LaunchAsync(string? micWav = null)
    {
        var args = micWav is null
            ? BaseArgs
            : [.. BaseArgs, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-audio-capture=" + micWav, "--autoplay-policy=no-user-gesture-required"];
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = args,
                Timeout = 60_000,
            });
            return new ChromiumSession(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}

/// <summary>A launched browser and its Playwright driver, closed together.</summary>
public sealed class ChromiumSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
{
    public IBrowser Browser { get; } = browser;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
        {
            // A wedged browser must not hang the caller; the driver's disposal below kills it.
        }

        playwright.Dispose();
    }
}
