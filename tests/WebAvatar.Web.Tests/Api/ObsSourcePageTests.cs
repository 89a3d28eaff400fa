using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

/// <summary>The OBS Browser Source page of a broadcast, in Chromium: the avatar alone, playing, on a transparent page.</summary>
public class ObsSourcePageTests
{
    [Fact]
    public async Task The_obs_page_shows_only_the_playing_avatar_on_a_transparent_page()
    {
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["WebRtc:UdpPort"] = "0" });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "obs");
        using var api = TestApiKeys.Client(app, secret);
        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "broadcast" });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await using var chromium = await ChromiumLauncher.LaunchAsync(MicWav.Tone()); // the fake-media launch allows sound without a click, as OBS does
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 640, Height = 640 } });
        await page.GotoAsync(new Uri(app.BaseAddress, $"/obs/{id}").ToString());
        await page.WaitForFunctionAsync("() => { const v = document.getElementById('avatar'); return v.videoWidth > 0 && v.currentTime > 0.5; }", null, new() { Timeout = 30_000 });

        var looks = await page.EvaluateAsync<string[]>("""
            () => [getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).backgroundColor,
                   String([...document.body.children].filter((e) => e.tagName !== 'SCRIPT' && e.offsetHeight > 0).map((e) => e.id)),
                   String(document.getElementById('avatar').srcObject.getAudioTracks().length), String(document.getElementById('avatar').paused)]
            """);
        Assert.Equal("rgba(0, 0, 0, 0)", looks[0]);
        Assert.Equal("rgba(0, 0, 0, 0)", looks[1]);
        Assert.Equal("avatar", looks[2]); // nothing but the video shows (the status line is empty while connected)
        Assert.Equal("1", looks[3]);
        Assert.Equal("false", looks[4]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Artifacts("screenshots"), "obs-source.png"), OmitBackground = true });

        using var anonymous = app.Anonymous();
        using var missing = await anonymous.GetAsync("/obs/0123456789ab");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("No live session", await missing.Content.ReadAsStringAsync());
    }
}
