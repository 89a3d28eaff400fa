using System.Diagnostics;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// Voice input is never silently off: without a server Whisper model the chat page listens with the browser's own
/// recognizer (here a stand-in for window.SpeechRecognition at the browser boundary) and sends its final transcript as the
/// user's turn; with a server model the page leaves the browser's recognizer alone.
/// </summary>
public class BrowserRecognizerTests
{
    // A stand-in for the Web Speech API: once started it "hears" a partial and then a final phrase, and counts its starts.
    private const string FakeSpeechRecognition = """
        window.__recognizerStarts = 0;
        window.SpeechRecognition = class {
          constructor() { this.continuous = false; this.interimResults = false; this.lang = ''; this.onresult = null; this.onend = null; this.onerror = null; }
          start() {
            window.__recognizerStarts++;
            if (window.__recognizerStarts > 1) return;
            const emit = (text, isFinal) => {
              const alternative = { transcript: text, confidence: 0.9 };
              const result = Object.assign([alternative], { isFinal });
              this.onresult && this.onresult({ resultIndex: 0, results: [result] });
            };
            setTimeout(() => emit('hello from', false), 300);
            setTimeout(() => emit('hello from the browser recognizer', true), 800);
          }
          stop() { }
          abort() { }
        };
        """;

    [Fact]
    public async Task Without_a_server_model_the_browser_recognizer_transcript_gets_an_answer()
    {
        var micWav = MicWav.Tone();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
        try
        {
            var page = await OpenAndConnectAsync(chromium.Browser, app);
            await Assertions.Expect(page.Locator("#voice-note")).ToContainTextAsync("browser's speech recognition");
            await Assertions.Expect(page.Locator("#voice-note")).ToContainTextAsync("vendor");
            await Assertions.Expect(page.Locator("#engine-chips")).ToContainTextAsync("ASR: browser speech recognition");

            // Echo mode answers with the user's own words: one user line and one avatar line.
            var transcript = page.Locator("#transcript");
            await Assertions.Expect(transcript.Locator(".line.user")).ToContainTextAsync("hello from the browser recognizer", new() { Timeout = 15_000 });
            await Assertions.Expect(transcript.Locator(".line.avatar")).ToContainTextAsync("hello from the browser recognizer", new() { Timeout = 15_000 });
            Assert.Equal(1, await page.EvaluateAsync<int>("window.__recognizerStarts"));
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    [Fact]
    public async Task With_a_server_model_the_page_uses_the_server_recognizer()
    {
        var models = Path.Combine(Path.GetTempPath(), "webavatar-browser-asr-" + Guid.NewGuid().ToString("N")[..8]);
        var micWav = MicWav.Tone();
        try
        {
            GenerateWhisperModel(Path.Combine(models, "whisper-tiny"));
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["WebRtc:UdpPort"] = "0",
                ["Whisper:ModelDirectory"] = Path.Combine(models, "whisper-tiny"),
            });
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var page = await OpenAndConnectAsync(chromium.Browser, app);
            await Assertions.Expect(page.Locator("#engine-chips")).ToContainTextAsync("ASR: Whisper");
            await Assertions.Expect(page.Locator("#voice-note")).ToHaveCountAsync(0);
            await Task.Delay(1500);
            Assert.Equal(0, await page.EvaluateAsync<int>("window.__recognizerStarts"));
            await Assertions.Expect(page.Locator("#transcript")).Not.ToContainTextAsync("browser recognizer");
        }
        finally
        {
            File.Delete(micWav);
            if (Directory.Exists(models))
            {
                Directory.Delete(models, recursive: true);
            }
        }
    }

    private static async Task<IPage> OpenAndConnectAsync(IBrowser browser, AppProcess app)
    {
        var page = await browser.NewPageAsync();
        await page.AddInitScriptAsync(FakeSpeechRecognition);
        await page.GotoAsync(app.BaseAddress.ToString());
        var start = page.Locator("#start-button");
        await Assertions.Expect(start).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await start.ClickAsync();
        await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
        return page;
    }

    private static void GenerateWhisperModel(string directory) => ModelTools.Generate("gen_whisper_model.py", directory);
}
