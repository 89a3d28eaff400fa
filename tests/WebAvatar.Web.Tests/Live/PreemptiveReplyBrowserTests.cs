using System.Text.Json;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// Preemptive replies at the browser, on the defaults (Whisper.net on a generated tiny-sized ggml model, trimmed audio
/// context) with a scripted instant LLM: Chromium's fake microphone speaks, the page measures the microphone and the
/// avatar's received audio on its own clock every 5 ms.
/// </summary>
public sealed class PreemptiveReplyBrowserTests : IDisposable
{
    private const double MicOn = 0.02;
    private const double AvatarOn = 0.01;

    private const string Listen = $$"""
        async (seconds) => {
          const pc = avatarPage.controller().pc;
          const ctx = new AudioContext();
          await ctx.resume();
          const meters = {{BrowserAudioMeters.Factory}}(ctx, pc);
          const log = [];
          const t0 = performance.now();
          return await new Promise(resolve => {
            const timer = setInterval(() => {
              const t = performance.now() - t0;
              log.push([t, meters.mic(), meters.avatar()]);
              if (t > seconds * 1000) { clearInterval(timer); resolve(log); }
            }, 5);
          });
        }
        """;

    private readonly string _models = Path.Combine(Path.GetTempPath(), "webavatar-preempt-" + Guid.NewGuid().ToString("N")[..8]);

    public PreemptiveReplyBrowserTests()
    {
        Directory.CreateDirectory(_models);
        ModelTools.Generate("gen_whisper_ggml.py", Path.Combine(_models, "ggml-tiny-random.bin"));
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public async Task Speech_resuming_after_a_pause_drops_the_preemptive_reply_and_none_of_it_reaches_the_page()
    {
        // A pause inside the sentence (0.35 s between the phrases, ~0.65 s of silence with espeak's own edges): long enough
        // for the guess to be decoded and a reply prepared on it, well short of the end-of-turn silence configured here
        // (1 s), so the user goes on and the guess must go.
        var micWav = MicWav.Phrases(3, ("What is the weather", 0.35), ("like today in Paris?", 14));
        try
        {
            await using var app = await StartAppAsync(preemptive: true, ("Vad:MinSilenceMs", "1000"));
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var page = await OpenAndConnectAsync(await chromium.Browser.NewContextAsync(), app);
            var log = await ListenAsync(page, seconds: 11);

            var phrases = Segments(log, s => s.Mic > MicOn, minGapMs: 250);
            Assert.True(phrases.Count >= 2, $"expected the two phrases of the first utterance, heard {phrases.Count} mic segments");
            var (start, _) = phrases[0];
            var end = phrases[1].End;

            // Nothing of the dropped reply reached the page: the avatar is silent through the whole utterance and the
            // end-of-turn silence after it, and then answers the whole utterance.
            var early = log.Where(s => s.T > start && s.T < end + 900 && s.Avatar > AvatarOn).ToList();
            Assert.True(early.Count == 0, $"avatar audio at the browser {early.FirstOrDefault().T - end:F0} ms after the end of speech, before the end of the turn could be confirmed");
            Assert.InRange(phrases[1].Start - phrases[0].End, 400, 850); // the pause, as the browser sent it
            var answer = log.FirstOrDefault(s => s.T > end && s.Avatar > AvatarOn);
            Assert.True(answer.T > 0, "the avatar never answered the whole utterance");

            var counts = await PreemptionAsync(app);
            Assert.True(counts.GetProperty("prepared").GetInt64() >= 1, $"no reply was prepared at the pause: {counts}");
            Assert.True(counts.GetProperty("dropped").GetInt64() >= 1, $"the guess at the pause was not dropped: {counts}");
            Assert.Equal(1, counts.GetProperty("voiceTurns").GetInt64());
            await Assertions.Expect(page.Locator("#transcript .line.user")).ToHaveCountAsync(1);
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    /// <summary>
    /// The LLM stands in for a real model with 400 ms to its first token, which a held reply spends while the end of the
    /// turn is being confirmed; the end-of-turn silence is 500 ms here so the one-thread tiny decode of the guess is ready
    /// in time on a loaded test machine.
    /// </summary>
    [Fact]
    public async Task When_the_turn_ends_the_held_reply_plays_sooner_than_without_preemption()
    {
        // One sentence every ~6 s; the first answer warms the engines up and is left out.
        var micWav = MicWav.Phrases(1.5, ("What is the weather like today?", 4.5));
        try
        {
            await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
            var with = await FirstAudioAfterSpeechAsync(chromium.Browser, preemptive: true);
            var without = await FirstAudioAfterSpeechAsync(chromium.Browser, preemptive: false);
            Console.WriteLine($"end of speech -> first avatar audio at the browser: preemptive {Describe(with.Ms)}, kept {with.Kept}; without {Describe(without.Ms)}");

            Assert.True(with.Kept >= with.Ms.Count, $"only {with.Kept} prepared replies were kept for {with.Ms.Count} answers");
            Assert.True(Readings.Median(with.Ms) < Readings.Median(without.Ms), $"preemptive {Describe(with.Ms)} vs without {Describe(without.Ms)}");
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    private static string Describe(List<double> ms) => $"median {Readings.Median(ms):F0} ms of [{string.Join(", ", ms.Select(v => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}]";

    private async Task<(List<double> Ms, long Kept)> FirstAudioAfterSpeechAsync(IBrowser browser, bool preemptive)
    {
        await using var app = await StartAppAsync(preemptive, ("Llm:ScriptedFirstTokenMs", "400"), ("Vad:MinSilenceMs", "500"));
        var context = await browser.NewContextAsync();
        try
        {
            var page = await OpenAndConnectAsync(context, app);
            var log = await ListenAsync(page, seconds: 26);
            var utterances = Segments(log, s => s.Mic > MicOn, minGapMs: 700);
            var ms = new List<double>();
            foreach (var (_, end) in utterances.Skip(1))
            {
                var answer = log.FirstOrDefault(s => s.T > end && s.Avatar > AvatarOn);
                if (answer.T > 0 && answer.T < end + 3000 && log[^1].T > end + 3000)
                {
                    ms.Add(answer.T - end);
                }
            }

            Assert.True(ms.Count >= 2, $"preemptive={preemptive}: only {ms.Count} answered utterances measured of {utterances.Count} heard");
            return (ms, (await PreemptionAsync(app)).GetProperty("kept").GetInt64());
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private async Task<AppProcess> StartAppAsync(bool preemptive, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["WebRtc:UdpPort"] = "0",
            ["Llm:Provider"] = "Scripted",
            ["Llm:ScriptedReply"] = "It is sunny and warm today.",
            ["Whisper:Engine"] = "whisper.net",
            ["Whisper:GgmlModelPath"] = Path.Combine(_models, "ggml-tiny-random.bin"),
            ["Whisper:MaxNewTokens"] = "12",
            ["Pipeline:PreemptiveReplies"] = preemptive ? "true" : "false",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return await AppProcess.StartAsync(settings);
    }

    private static async Task<IPage> OpenAndConnectAsync(IBrowserContext context, AppProcess app)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.BaseAddress.ToString());
        var start = page.Locator("#start-button");
        await Assertions.Expect(start).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await start.ClickAsync();
        await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#engine-chips")).ToContainTextAsync("ASR: Whisper.net");
        return page;
    }

    private static async Task<List<(double T, double Mic, double Avatar)>> ListenAsync(IPage page, double seconds)
    {
        var samples = await page.EvaluateAsync<JsonElement>(Listen, seconds);
        return samples.EnumerateArray().Select(e => (e[0].GetDouble(), e[1].GetDouble(), e[2].GetDouble())).ToList();
    }

    /// <summary>Runs of samples where <paramref name="on"/> holds, joined across gaps shorter than <paramref name="minGapMs"/>.</summary>
    private static List<(double Start, double End)> Segments(List<(double T, double Mic, double Avatar)> log, Func<(double T, double Mic, double Avatar), bool> on, double minGapMs)
    {
        var segments = new List<(double Start, double End)>();
        foreach (var sample in log.Where(on))
        {
            if (segments.Count > 0 && sample.T - segments[^1].End < minGapMs)
            {
                segments[^1] = (segments[^1].Start, sample.T);
            }
            else
            {
                segments.Add((sample.T, sample.T));
            }
        }

        return segments;
    }

    private static async Task<JsonElement> PreemptionAsync(AppProcess app)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var metrics = JsonDocument.Parse(await http.GetStringAsync("/api/metrics")).RootElement;
        var session = Assert.Single(metrics.GetProperty("sessions").EnumerateArray());
        return session.GetProperty("preemption").Clone();
    }
}
