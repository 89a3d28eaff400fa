using Microsoft.Playwright;

namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// What a newcomer sees before pressing Start, in Chromium against the real app: the avatar's own still picture (not a black box),
/// a Start button that stands out from it, and a page that loads nothing from other hosts (it must work offline).
/// </summary>
public class ChatPageBeforeStartTests
{
    [Fact]
    public async Task Before_start_the_page_shows_the_avatar_still_and_a_legible_start_button_and_fetches_nothing_from_other_hosts()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        await page.GotoAsync(app.BaseAddress.ToString());
        var start = page.Locator("#start-button");
        await Assertions.Expect(start).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(start).ToBeVisibleAsync();
        await Assertions.Expect(start).ToHaveTextAsync("Start");

        // The still: the session's own idle frame, shown as the video's poster until the stream plays.
        var sessionId = await page.Locator("#avatar-stage").GetAttributeAsync("data-session-id");
        Assert.False(string.IsNullOrEmpty(sessionId));
        var poster = await page.EvaluateAsync<string>("document.getElementById('avatar-video').poster");
        Assert.EndsWith($"/api/sessions/{sessionId}/still.jpg", poster);
        var still = await page.EvaluateAsync<double[]>("""
            async (url) => {
              const img = new Image();
              img.src = url;
              await img.decode();
              const canvas = document.createElement('canvas');
              canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              const ctx = canvas.getContext('2d');
              ctx.drawImage(img, 0, 0);
              const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
              let sum = 0, sq = 0, n = d.length / 4;
              for (let i = 0; i < d.length; i += 4) { const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]; sum += y; sq += y * y; }
              const mean = sum / n;
              return [img.naturalWidth, img.naturalHeight, mean, Math.sqrt(sq / n - mean * mean)];
            }
            """, poster);
        Assert.True(still[0] >= 256 && still[1] >= 256, $"still is {still[0]}x{still[1]}");
        Assert.True(still[2] > 40, $"still mean luma {still[2]:F0}: a dark box, not a picture");
        Assert.True(still[3] > 20, $"still luma spread {still[3]:F0}: a flat colour, not a picture");

        // Legible: WCAG AA contrast (4.5:1) between the label and the button, and big enough to find at a glance.
        var contrast = await start.EvaluateAsync<double>("""
            (el) => {
              const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
              const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
              const s = getComputedStyle(el);
              const a = lum(rgb(s.color)), b = lum(rgb(s.backgroundColor));
              return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            }
            """);
        Assert.True(contrast >= 4.5, $"Start label contrast {contrast:F1}:1");
        var box = await start.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width >= 120 && box.Height >= 44, $"Start button {box.Width}x{box.Height} px");

        var screenshot = Path.Combine(RepoPaths.Artifacts("screenshots"), "chat-before-start.png");
        await page.ScreenshotAsync(new() { Path = screenshot });

        var origin = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        var foreign = requested.Where(url => !url.StartsWith(origin, StringComparison.OrdinalIgnoreCase) && !url.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, "fetched from other hosts: " + string.Join(", ", foreign));
    }

    [Fact]
    public async Task The_still_of_an_unknown_session_is_not_found()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await http.GetAsync("/api/sessions/0123456789ab/still.jpg");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
