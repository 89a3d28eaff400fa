using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

/// <summary>
/// The one-tag web widget on a page served from a second loopback origin (localhost, while the app is 127.0.0.1), in Chromium:
/// with a key that allows that origin it connects, plays the avatar and answers a typed line; with a key that does not, it is
/// refused with a message that names the origin. Echo mode (no LLM configured): the avatar repeats the line.
/// </summary>
public class WidgetTests
{
    [Fact]
    public async Task The_widget_on_an_allowed_origin_talks_and_answers()
    {
        await using var site = HostPage.Start();
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "shop widget", site.Origin + ", https://shop.example.com");
        site.Html = Page(app.BaseAddress, secret);

        await using var chromium = await ChromiumLauncher.LaunchAsync(MicWav.Tone());
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 800 } });
        await page.GotoAsync(site.Origin + "/");
        var widget = page.Locator(".webavatar-widget");
        await widget.Locator(".start").ClickAsync();
        var input = widget.Locator("input");
        await Assertions.Expect(input).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(widget.Locator(".status")).ToBeEmptyAsync();

        await input.FillAsync("Hello from a page on another site.");
        await input.PressAsync("Enter");
        await Assertions.Expect(widget.Locator(".line.user")).ToContainTextAsync("Hello from a page on another site.", new() { Timeout = 20_000 });
        await Assertions.Expect(widget.Locator(".line.avatar")).ToContainTextAsync("Hello from a page on another site.", new() { Timeout = 20_000 });

        // The avatar's media reached this page straight from the app: frames decoded and the stream's audio flowing.
        var media = await widget.Locator("video").EvaluateAsync<double[]>("""
            async (v) => {
              const stream = v.srcObject;
              await new Promise((r) => setTimeout(r, 1000));
              return [v.videoWidth, v.currentTime, stream ? stream.getAudioTracks().length : 0, v.muted ? 1 : 0];
            }
            """);
        Assert.True(media[0] > 0, "no video frame decoded");
        Assert.True(media[1] > 0.5, $"video time {media[1]:F2} s: not playing");
        Assert.Equal(1, media[2]);
        Assert.Equal(0, media[3]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "widget-plain-page.png") });
    }

    [Fact]
    public async Task The_widget_on_an_origin_its_key_does_not_allow_is_refused_with_a_clear_message()
    {
        await using var site = HostPage.Start();
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "other site's widget", "https://shop.example.com");
        site.Html = Page(app.BaseAddress, secret);

        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(site.Origin + "/");
        var widget = page.Locator(".webavatar-widget");
        await widget.Locator(".start").ClickAsync();

        var status = widget.Locator(".status");
        await Assertions.Expect(status).ToContainTextAsync($"Pages on {site.Origin} may not use this API key", new() { Timeout = 15_000 });
        await Assertions.Expect(widget.Locator("input")).ToBeDisabledAsync();

        // Nothing was created for that page: the key has no live session.
        using var api = TestApiKeys.Client(app, secret);
        var sessions = await api.GetStringAsync("/api/v1/sessions");
        Assert.Equal("[]", sessions.Trim());
    }

    [Fact]
    public async Task Cross_origin_requests_get_cors_answers_and_the_key_decides()
    {
        await using var app = await AdminApp.StartAsync();
        var (_, secret) = await TestApiKeys.CreateAsync(app, "site", "http://allowed.test:8080");
        using var http = app.Anonymous();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/sessions");
        preflight.Headers.Add("Origin", "http://anywhere.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type, x-api-key");
        using var answer = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("http://anywhere.test", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-api-key", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        foreach (var (origin, expected) in new[] { ("http://allowed.test:8080", HttpStatusCode.OK), ("http://other.test", HttpStatusCode.Forbidden) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("X-Api-Key", secret);
            using var response = await http.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single()); // readable either way
        }
    }

    [Fact]
    public async Task The_embed_page_is_framed_only_by_the_keys_allowed_origins()
    {
        await using var site = HostPage.Start();
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        var (_, allowed) = await TestApiKeys.CreateAsync(app, "framed widget", site.Origin);
        var (_, elsewhere) = await TestApiKeys.CreateAsync(app, "another site's widget", "https://shop.example.com");
        using var http = app.Anonymous();

        using (var page = await http.GetAsync($"/embed?key={allowed}&title=%22Ask%22%20us"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal($"frame-ancestors {site.Origin}", page.Headers.GetValues("Content-Security-Policy").Single());
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("data-title=\"&quot;Ask&quot; us\"", html); // attributes are encoded, not injected
        }

        using (var missing = await http.GetAsync("/embed"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("?key=", await missing.Content.ReadAsStringAsync());
        }

        using (var unknown = await http.GetAsync("/embed?key=wa_notakey"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        await using var chromium = await ChromiumLauncher.LaunchAsync(MicWav.Tone());
        var browser = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 900, Height = 700 } });
        foreach (var (secret, shown) in new[] { (allowed, true), (elsewhere, false) })
        {
            site.Html = $"""
                <!doctype html><html><body><h1>Framed</h1>
                <iframe id="avatar" src="{app.BaseAddress}embed?key={secret}&title=Framed" allow="microphone; autoplay" style="width: 360px; height: 480px; border: 0"></iframe>
                </body></html>
                """;
            await browser.GotoAsync(site.Origin + "/");
            var frame = browser.FrameLocator("#avatar");
            if (shown)
            {
                var widget = frame.Locator(".webavatar-widget");
                await widget.Locator(".start").ClickAsync(new() { Timeout = 15_000 });
                await Assertions.Expect(widget.Locator("input")).ToBeEnabledAsync(new() { Timeout = 30_000 });
                await Assertions.Expect(widget.Locator(".status")).ToBeEmptyAsync();
                await browser.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "widget-iframe.png") });
            }
            else
            {
                // Chrome refuses to render a page whose frame-ancestors leave this site out: the frame stays empty.
                await Task.Delay(3000);
                Assert.Equal(0, await frame.Locator(".webavatar-widget").CountAsync());
            }
        }
    }

    private static string Page(Uri app, string secret) => HostPage.WidgetPage(app, secret);
}
