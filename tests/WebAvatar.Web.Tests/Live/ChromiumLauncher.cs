using System.Diagnostics;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>Debian's Chromium driven by Playwright; optionally with a fake camera/mic whose audio is a WAV we make with espeak-ng.</summary>
internal static class ChromiumLauncher
{
    private static readonly string[] BaseArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Headless Chromium; with <paramref name="micWav"/>, a fake camera and a microphone playing that file.</summary>
    public static async Task<ChromiumSession> LaunchAsync(string? micWav = null)
    {
        var args = micWav is null
            ? BaseArgs
            : [.. BaseArgs, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-audio-capture=" + micWav, "--autoplay-policy=no-user-gesture-required"];
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = args });
        return new ChromiumSession(playwright, browser);
    }

    /// <summary>A quiet 440 Hz tone: a live microphone the VAD does not take for speech (speech would barge in).</summary>
    public static string MakeToneWav()
    {
        var path = Path.Combine(Path.GetTempPath(), $"webavatar-tone-{Guid.NewGuid():N}.wav");
        using var process = Process.Start(new ProcessStartInfo("sox", ["-n", "-r", "48000", "-c", "1", "-b", "16", path, "synth", "10", "sine", "440", "vol", "0.2"])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("sox could not write the mic WAV: " + process.StandardError.ReadToEnd());
        }

        return path;
    }

    /// <summary>Speech followed by silence, as 16-bit mono WAV (Chromium loops the file).</summary>
    public static string MakeSpeechWav(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"webavatar-mic-{Guid.NewGuid():N}.wav");
        var info = new ProcessStartInfo("espeak-ng", ["-v", "en-us", "-w", path, text]) { UseShellExecute = false, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException("espeak-ng could not write the mic WAV: " + process.StandardError.ReadToEnd());
        }

        return path;
    }
}

/// <summary>A launched browser and its Playwright driver, closed together.</summary>
internal sealed class ChromiumSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
{
    public IBrowser Browser { get; } = browser;

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        playwright.Dispose();
    }
}
