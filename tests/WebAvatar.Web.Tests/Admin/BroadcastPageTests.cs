using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using WebAvatar.Data.Entities;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Admin.Broadcasts;
using WebAvatar.Web.Admin.Live;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Components.Pages.Admin;
using WebAvatar.Web.Tests.Cluster;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>
/// The Broadcasts page and the Live sessions page over a real one-node cluster in this process (Orleans silo, session grains,
/// the production registry with test doubles at its boundaries): the broadcasts are listed, started and driven through it.
/// </summary>
public sealed class BroadcastPageTests : BunitContext, IAsyncLifetime
{
    // Listing, starting and driving go through the silo; on a busy machine one answer can take longer than bUnit's 1 s default.
    private static readonly TimeSpan ClusterAnswer = TimeSpan.FromSeconds(10);

    private TestDatabase _db = null!;
    private OneNodeCluster _cluster = null!;
    private SessionRegistry _registry = null!;
    private BroadcastService _service = null!;

    private StreamTargetStore Targets => _db.Services.GetRequiredService<StreamTargetStore>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(s => s
            .AddSingleton<StreamTargetStore>()
            .AddSingleton<AvatarFiles>().AddSingleton<AvatarProgressTracker>().AddSingleton<AvatarLibrary>());
        _cluster = await OneNodeCluster.StartAsync(new Dictionary<string, string?> { ["Sessions:MaxSessions"] = "2" });
        _registry = _cluster.Registry;
        _service = new BroadcastService(_cluster.Sessions, Targets, NullLogger<BroadcastService>.Instance);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Targets);
        Services.AddSingleton(_db.Services.GetRequiredService<AvatarLibrary>());
        Services.AddSingleton(new LiveSessionMonitor(_registry));
        Services.AddSingleton<global::WebAvatar.Cluster.Sessions.IClusterDirectory>(_cluster.Sessions);
        Services.AddSingleton(_service);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Page_lists_a_running_broadcast_with_masked_mirrors_and_drives_it()
    {
        var broadcast = await _registry.CreateAsync(
            new SessionSpec(SessionKind.Broadcast, Owner: "admin", StreamTargets: [new MirrorTarget("rtmp://127.0.0.1:9/live/very-secret-key")]), CancellationToken.None);
        var chat = await _registry.CreateAsync(new SessionSpec(SessionKind.Chat, Owner: "page"), CancellationToken.None);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<Broadcasts>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll(".broadcast-card")), ClusterAnswer);
        Assert.Equal(broadcast.Id, page.Find(".broadcast-card").GetAttribute("data-session-id"));
        Assert.DoesNotContain(chat.Id, page.Markup);
        Assert.Equal("Flat", page.Find(".broadcast-avatar").TextContent.Trim());
        Assert.Equal("node-a", page.Find(".broadcast-node").TextContent.Trim());
        Assert.Equal("listening", page.Find(".broadcast-state").TextContent.Trim());
        Assert.Equal("rtmp://127.0.0.1:9/live/****", page.Find(".mirror-target").TextContent.Trim());
        Assert.DoesNotContain("very-secret-key", page.Markup);

        Retry(() => page.Find(".broadcast-line input").Input("Hello from the dashboard"));
        Retry(() => page.Find(".say-button").Click());
        page.WaitForAssertion(() => Assert.Contains(broadcast.Transcript, e => e.Text.Contains("Hello from the dashboard", StringComparison.Ordinal)), ClusterAnswer);
        Retry(() => page.Find(".interrupt-button").Click());

        Retry(() => page.Find(".stop-broadcast").Click());
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#no-broadcasts")), ClusterAnswer);
        Assert.Null(_registry.Find(broadcast.Id));
        Assert.NotNull(_registry.Find(chat.Id));
    }

    [Fact]
    public async Task Start_form_validates_says_when_no_target_is_chosen_and_when_the_server_is_full()
    {
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<Broadcasts>();
        page.WaitForAssertion(() => page.Find("#start-broadcast"), ClusterAnswer);
        Assert.NotNull(page.Find("#no-targets"));
        Assert.Contains("only be watched over WHEP", page.Find("#no-target-hint").TextContent);

        page.Find("#broadcast-prompt").Change(new string('x', BroadcastRequest.MaxPromptChars + 1));
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("limited to 8000 characters", page.Find("#broadcast-error").TextContent), ClusterAnswer);
        page.Find("#broadcast-prompt").Change(string.Empty);
        page.Find("#broadcast-voice").Change("en-us; rm -rf /");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("A voice id is a short name", page.Find("#broadcast-error").TextContent), ClusterAnswer);
        Assert.Equal(0, _registry.Count);

        page.Find("#broadcast-voice").Change(string.Empty);
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("started on node node-a without a stream target", page.Find("#broadcast-notice").TextContent), ClusterAnswer);
        Assert.Contains("WHEP", page.Find("#broadcast-notice").TextContent);
        Assert.Empty(page.FindAll("#broadcast-error"));
        var started = Assert.Single(_registry.Sessions);
        Assert.Equal(SessionKind.Broadcast, started.Spec.Kind);
        Assert.Equal(BroadcastService.Owner, started.Spec.Owner);
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".broadcast-card")), ClusterAnswer);

        await _registry.CreateAsync(new SessionSpec(SessionKind.Broadcast, Owner: "admin"), CancellationToken.None);
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("The avatar is busy: all 2 live sessions are in use (node-a: 2/2)", page.Find("#broadcast-error").TextContent), ClusterAnswer);
        Assert.Equal(2, _registry.Count);
    }

    [Fact]
    public async Task Start_form_names_an_unusable_avatar_and_a_deleted_target()
    {
        await using (var context = await _db.Contexts.CreateDbContextAsync())
        {
            context.Avatars.Add(new AvatarRecord { Id = "aaaa", Name = "Ada", MediaType = "image/png", StoredFileName = "source.png", Status = AvatarStatus.Ready, IsDefault = true, CreatedUtc = DateTime.UtcNow });
            await context.SaveChangesAsync();
        }

        var target = await Targets.AddAsync("Local SRS", "rtmp://127.0.0.1:9/live", "key-5566", CancellationToken.None);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<Broadcasts>();
        page.WaitForAssertion(() => page.Find(".broadcast-target input"), ClusterAnswer);
        page.Find(".broadcast-target input").Change(true);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#no-target-hint")), ClusterAnswer);

        // The test profile resolver knows only the avatar "flat", as the real one refuses an avatar it cannot find.
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("There is no avatar 'aaaa'", page.Find("#broadcast-error").TextContent), ClusterAnswer);

        await Targets.DeleteAsync(target.Id, CancellationToken.None);
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains($"There is no stream target {target.Id}", page.Find("#broadcast-error").TextContent), ClusterAnswer);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#no-targets")), ClusterAnswer);
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public async Task Live_sessions_page_shows_a_broadcast_with_its_kind_and_holder()
    {
        var broadcast = await _registry.CreateAsync(new SessionSpec(SessionKind.Broadcast, Owner: "admin"), CancellationToken.None);
        var page = Render<WebAvatar.Web.Components.Pages.Admin.Sessions>();
        page.WaitForAssertion(() => Assert.Contains(broadcast.Id, page.Find("#session-table").TextContent), ClusterAnswer);
        Assert.Equal("broadcast", page.Find(".session-kind").TextContent.Trim());
        Assert.Equal("broadcast", page.Find(".session-holders").TextContent.Trim());
    }

    [Fact]
    public async Task Broadcast_service_reaches_only_broadcasts()
    {
        var chat = await _registry.CreateAsync(new SessionSpec(SessionKind.Chat, Owner: "page"), CancellationToken.None);
        Assert.Null(await _service.FindAsync(chat.Id, CancellationToken.None));
        Assert.Empty(await _service.ListAsync(CancellationToken.None));
        Assert.Null(await _service.ExecuteAsync(chat.Id, new SpeakCommand("Hello"), CancellationToken.None));
        Assert.False(await _service.StopAsync(chat.Id, CancellationToken.None));
        Assert.Null(await _service.FindAsync("../../not-an-id", CancellationToken.None));
        Assert.NotNull(_registry.Find(chat.Id));

        var broadcast = await _service.StartAsync(new BroadcastRequest(Mode: SessionMode.Echo), CancellationToken.None);
        Assert.Equal("node-a", broadcast.Node);
        Assert.Equal(["broadcast"], (await _service.FindAsync(broadcast.Id, CancellationToken.None))!.Holders);
        Assert.Equal([broadcast.Id], (await _service.ListAsync(CancellationToken.None)).Select(b => b.Id));
        var empty = await _service.ExecuteAsync(broadcast.Id, new SpeakCommand("  "), CancellationToken.None);
        Assert.Equal("Nothing to say: the text is empty.", empty!.Error);
        Assert.True(await _service.StopAsync(broadcast.Id, CancellationToken.None));
        Assert.Null(_registry.Find(broadcast.Id));
        Assert.False(await _service.StopAsync(broadcast.Id, CancellationToken.None));
    }

    /// <summary>
    /// The page re-renders whenever the live session reports an event (on its own threads), which can replace an element's
    /// handler between finding it and firing it; fire again on the fresh render.
    /// </summary>
    private static void Retry(Action fire)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                fire();
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 5)
            {
            }
        }
    }
}
