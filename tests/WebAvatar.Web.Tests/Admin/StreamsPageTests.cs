using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Components.Pages.Admin;
using WebAvatar.Web.Tests.Cluster;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>The stream targets page over a real one-node cluster in this process: its sessions, and their mirrors, come through the grains.</summary>
public sealed class StreamsPageTests : BunitContext, IAsyncLifetime
{
    // Listing, starting and driving go through the silo; on a busy machine one answer can take longer than bUnit's 1 s default.
    private static readonly TimeSpan ClusterAnswer = TimeSpan.FromSeconds(10);

    private TestDatabase _db = null!;
    private OneNodeCluster _cluster = null!;

    private StreamTargetStore Targets => _db.Services.GetRequiredService<StreamTargetStore>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(s => s.AddSingleton<StreamTargetStore>());
        _cluster = await OneNodeCluster.StartAsync();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Targets);
        Services.AddSingleton(new StreamMirrors(_cluster.Sessions, Targets));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Page_masks_keys_lists_a_live_session_with_its_node_and_starts_and_stops_its_mirror()
    {
        var target = await Targets.AddAsync("Twitch", "rtmp://127.0.0.1:9/app", "live_123456_secretXYZ9", CancellationToken.None);
        var session = await _cluster.Registry.CreateAsync(new SessionSpec(SessionKind.Api, Owner: "key:1"), CancellationToken.None);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<Streams>();

        page.WaitForAssertion(() => Assert.Equal(session.Id, page.Find(".mirror-session").TextContent.Trim()), ClusterAnswer);
        Assert.Contains("••••••••XYZ9", page.Find(".masked-key").TextContent);
        Assert.Equal("node-a", page.Find(".mirror-node").TextContent.Trim());
        Assert.Equal("Stopped", page.Find(".mirror-state").TextContent.Trim());

        // The page re-renders every 2 s: find and click in one renderer turn so the handler cannot change in between.
        await page.InvokeAsync(() => page.Find(".mirror-start").Click());
        page.WaitForAssertion(() => Assert.NotEqual("Stopped", page.Find(".mirror-state").TextContent.Trim()), ClusterAnswer);
        var mirror = Assert.Single(session.Mirrors.List());
        Assert.Equal(target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), session.MirrorLabel(mirror.Id));
        Assert.Equal("rtmp://127.0.0.1:9/app/****", mirror.TargetUrl);
        Assert.DoesNotContain("secret", page.Markup);

        await page.InvokeAsync(() => page.Find(".mirror-stop").Click());
        page.WaitForAssertion(() => Assert.Equal("Stopped", page.Find(".mirror-state").TextContent.Trim()), ClusterAnswer);
        Assert.Empty(session.Mirrors.List());
    }

    [Fact]
    public async Task Mirrors_name_an_unknown_target_and_a_session_that_is_gone_without_echoing_the_key()
    {
        var target = await Targets.AddAsync("Local", "rtmp://127.0.0.1:9/live", "very-secret-key", CancellationToken.None);
        var mirrors = new StreamMirrors(_cluster.Sessions, Targets);
        await Assert.ThrowsAsync<StreamTargetNotFoundException>(() => mirrors.StartAsync("0123456789ab", 987654, CancellationToken.None));

        var gone = await mirrors.StartAsync("0123456789ab", target.Id, CancellationToken.None);
        Assert.Equal(MirrorState.Failed, gone.State);
        Assert.Equal("The session is no longer running.", gone.Detail);
        Assert.Equal(MirrorState.Stopped, (await mirrors.GetStatusAsync("0123456789ab", CancellationToken.None)).State);
        Assert.Equal(MirrorState.Stopped, (await mirrors.StopAsync("../not-an-id", CancellationToken.None)).State);
    }

    [Theory]
    [InlineData("rtmp://live.example.com/app", "abc123", "rtmp://live.example.com/app/abc123")]
    [InlineData("rtmp://live.example.com/app/", "k y", "rtmp://live.example.com/app/k%20y")]
    [InlineData("rtmp://127.0.0.1/live/stream", "", "rtmp://127.0.0.1/live/stream")]
    public void Publish_url_appends_the_escaped_key(string url, string key, string expected) =>
        Assert.Equal(expected, StreamMirrors.PublishUrl(url, key));
}
