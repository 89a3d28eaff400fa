using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// A listening avatar whose idle loop the session encoder replays: Chromium must keep decoding 25 fps of a moving picture with
/// no freeze, no dropped frames and no more key frames than the regular GOP, while the server sends replayed frames.
/// </summary>
public class IdleLoopBrowserTests
{
    [Fact]
    public async Task Chromium_plays_the_replayed_idle_loop_at_25_fps_without_a_freeze()
    {
        var micWav = MicWav.Tone(); // not speech: the avatar keeps listening
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["WebRtc:UdpPort"] = "0",
            ["Avatar:IdleLoopSeconds"] = "4", // the shortest loop: recorded and replayed within about 15 s of connecting
        });
        await using var chromium = await ChromiumLauncher.LaunchAsync(micWav);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        try
        {
            var page = await chromium.Browser.NewPageAsync();
            await page.GotoAsync(app.BaseAddress.ToString());
            await Assertions.Expect(page.Locator("#start-button")).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await page.Locator("#start-button").ClickAsync();
            await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });

            var (_, replayedBefore) = await VideoFramesAsync(http);
            for (var deadline = DateTime.UtcNow.AddSeconds(30); replayedBefore == 0; await Task.Delay(250))
            {
                Assert.True(DateTime.UtcNow < deadline, "the session never replayed its idle loop");
                (_, replayedBefore) = await VideoFramesAsync(http);
            }

            var (encodedBefore, _) = await VideoFramesAsync(http);
            var samples = (await page.EvaluateAsync<JsonElement>(SampleWhileWatching)).EnumerateArray().ToList();
            var (encodedAfter, replayedAfter) = await VideoFramesAsync(http);

            var first = samples[0].GetProperty("video");
            var last = samples[^1].GetProperty("video");
            double seconds = (Number(last, "timestamp") - Number(first, "timestamp")) / 1000;
            double fps = (Number(last, "framesDecoded") - Number(first, "framesDecoded")) / seconds;
            double keyFrames = Number(last, "keyFramesDecoded") - Number(first, "keyFramesDecoded");
            var pictures = samples.Select(s => s.GetProperty("picture").GetDouble()).Distinct().Count();
            double replayed = replayedAfter - replayedBefore, encoded = encodedAfter - encodedBefore;
            Console.WriteLine($"idle loop: {fps:F2} fps over {seconds:F2} s, {keyFrames} key frames, {pictures} distinct pictures in {samples.Count}, server sent {replayed} replayed and {encoded} encoded frames");

            Assert.True(seconds > 3.5, $"the stats covered only {seconds:F2} s");
            Assert.True(replayed >= 0.8 * (replayed + encoded), $"the server replayed {replayed} and encoded {encoded} frames while the browser watched");
            Assert.True(fps >= 25 - (2 / seconds), $"video decoded at {fps:F2} fps while the loop replayed (25 expected)");
            Assert.Equal(Number(first, "freezeCount"), Number(last, "freezeCount"));
            Assert.Equal(Number(first, "framesDropped"), Number(last, "framesDropped"));
            Assert.True(keyFrames <= (seconds / 2) + 2, $"{keyFrames} key frames in {seconds:F1} s (one per 2 s expected)");
            Assert.True(pictures >= samples.Count / 2, $"the replayed avatar looks still: {pictures} distinct pictures in {samples.Count} looks");
        }
        finally
        {
            File.Delete(micWav);
        }
    }

    /// <summary>Video frames the app sent so far: (encoded, replayed), from its Prometheus scrape.</summary>
    private static async Task<(double Encoded, double Replayed)> VideoFramesAsync(HttpClient http)
    {
        string scrape = await http.GetStringAsync("/metrics");
        return (Frames(scrape, "encoded"), Frames(scrape, "replayed"));
    }

    private static double Frames(string scrape, string source)
    {
        var match = Regex.Match(scrape, $"^webavatar_video_frames_total\\{{[^}}]*source=\"{source}\"[^}}]*\\}} (\\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static double Number(JsonElement stats, string field) =>
        stats.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    // Nine readings 500 ms apart: the browser's video stats and a checksum of the picture it shows (the face's middle).
    private const string SampleWhileWatching = """
        async () => {
          const video = document.querySelector('#avatar-video');
          const canvas = document.createElement('canvas');
          canvas.width = 128; canvas.height = 128;
          const context = canvas.getContext('2d', { willReadFrequently: true });
          const samples = [];
          for (let i = 0; i < 9; i++) {
            const stats = await avatarPage.stats();
            context.drawImage(video, video.videoWidth / 4, video.videoHeight / 4, video.videoWidth / 2, video.videoHeight / 2, 0, 0, 128, 128);
            const pixels = context.getImageData(0, 0, 128, 128).data;
            let picture = 0;
            for (let p = 0; p < pixels.length; p++) picture = (picture * 31 + pixels[p]) % 1000000007;
            samples.push({ video: stats.video, picture });
            await new Promise(resolve => setTimeout(resolve, 500));
          }
          return samples;
        }
        """;
}
