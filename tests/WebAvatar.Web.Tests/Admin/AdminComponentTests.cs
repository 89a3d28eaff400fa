using WebAvatar.Testing.Doubles;
using WebAvatar.Pipeline.Live;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using WebAvatar.Conversation;
using WebAvatar.Data.Entities;
using WebAvatar.Web.Admin;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Admin.Live;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Components.Pages.Admin;
using WebAvatar.Web.Sessions;

namespace WebAvatar.Web.Tests.Admin;

public sealed class AdminComponentTests : BunitContext, IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(s => s
            .AddSingleton<StreamTargetStore>()
            .AddSingleton<AvatarFiles>().AddSingleton<AvatarProgressTracker>().AddSingleton<AvatarLibrary>());
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>();
        Services.AddSingleton(_db.Services.GetRequiredService<AdminAccountService>());
        Services.AddSingleton(_db.Services.GetRequiredService<StreamTargetStore>());
        Services.AddSingleton(_db.Services.GetRequiredService<AvatarLibrary>());
        Services.AddSingleton(new LiveSessionMonitor(SessionRegistryFactory.Create()));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public void Progress_bar_shows_stage_percent_and_error()
    {
        var bar = Render<AvatarProgressBar>(p => p
            .Add(x => x.Progress, new AvatarProgress("abc", 55, "Finding the face"))
            .Add(x => x.Name, "Astronaut"));
        Assert.Contains("Astronaut: Finding the face", bar.Markup);
        Assert.Equal("55", bar.Find(".avatar-progress").GetAttribute("data-percent"));
        Assert.Equal("55 %", bar.Find(".progress-percent").TextContent.Trim());

        bar.Render(p => p.Add(x => x.Progress, new AvatarProgress("abc", 55, "Failed", "No face found")));
        Assert.Contains("No face found", bar.Markup);
    }

    [Fact]
    public void Cluster_view_lists_each_nodes_load_and_every_session_with_its_node()
    {
        var reading = Render<ClusterNodes>(p => p.Add(x => x.View, null));
        Assert.Contains("Reading the cluster...", reading.Markup);

        var at = DateTimeOffset.UnixEpoch;
        var view = new global::WebAvatar.Cluster.Sessions.ClusterView(
            "node-a",
            [new("node-a", "S127.0.0.1:11111:1", "10.0.0.11:5090", 1, 1, 42, at), new("node-b", "S127.0.0.1:11112:1", "10.0.0.12:5090", 0, 2, 3, at)],
            [new("abc123abc123", "node-b", "Api", "Speaking", "Default", 25, 1, at)]);
        string? stopped = null;
        var nodes = Render<ClusterNodes>(p => p.Add(x => x.View, view).Add(x => x.OnStop, id => stopped = id));

        Assert.Equal(["node-a (this node)", "node-b"], nodes.FindAll("#node-table .node-name").Select(e => e.TextContent));
        Assert.Equal(["1 / 1", "0 / 2"], nodes.FindAll("#node-table .node-sessions").Select(e => e.TextContent));
        Assert.Contains("10.0.0.12:5090", nodes.Find("#node-table").TextContent);
        Assert.Equal(["node-b"], nodes.FindAll("#cluster-session-table .session-node").Select(e => e.TextContent));
        Assert.Contains("speaking", nodes.Find("#cluster-session-table").TextContent);
        nodes.Find("#cluster-session-table .cluster-stop").Click();
        Assert.Equal("abc123abc123", stopped);
    }

    [Fact]
    public void Latency_chart_draws_one_series_per_stage()
    {
        var empty = Render<LatencyChart>(p => p.Add(x => x.Replies, []));
        Assert.NotNull(empty.Find(".latency-empty"));

        var replies = new[]
        {
            new ReplyLatency("r1", new Dictionary<Stage, double> { [Stage.LlmFirstToken] = 120, [Stage.TtsFirstAudio] = 300, [Stage.FirstAudioOut] = 420 }),
            new ReplyLatency("r2", new Dictionary<Stage, double> { [Stage.LlmFirstToken] = 90, [Stage.TtsFirstAudio] = 250 }),
        };
        var chart = Render<LatencyChart>(p => p.Add(x => x.Replies, replies));
        Assert.NotEmpty(chart.FindAll("svg"));
        foreach (var stage in LiveSessionMonitor.ChartStages)
        {
            Assert.Contains(LatencyChart.Describe(stage), chart.Markup);
        }
    }

    [Fact]
    public void Login_page_posts_with_an_antiforgery_token_and_explains_a_lockout()
    {
        SetRendererInfo(new RendererInfo("Server", true));
        Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/login?error=locked&until=12:30%20UTC&ReturnUrl=/admin/voices");
        var page = Render<Login>();
        var form = page.Find("#login-form");
        Assert.Equal(AccountEndpoints.LoginPost, form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("fixed-token", page.Find("input[name=__RequestVerificationToken]").GetAttribute("value"));
        Assert.Equal("/admin/voices", page.Find("input[name=ReturnUrl]").GetAttribute("value"));
        Assert.Contains("locked until 12:30 UTC", page.Find("#login-error").TextContent);
        Assert.Contains("No administrator exists yet", page.Markup);
    }

    [Fact]
    public async Task Setup_page_offers_the_form_only_while_no_admin_exists()
    {
        SetRendererInfo(new RendererInfo("Server", true));
        var open = Render<Setup>();
        Assert.NotNull(open.Find("#setup-form"));

        await _db.Services.GetRequiredService<AdminAccountService>().CreateFirstAdminAsync("root", "a-long-password", CancellationToken.None);
        var closed = Render<Setup>();
        Assert.Empty(closed.FindAll("#setup-form"));
        Assert.NotNull(closed.Find("#setup-done"));
    }

    [Fact]
    public void Admin_layout_shows_the_dashboard_to_admins_and_sends_others_to_sign_in()
    {
        var auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", true));
        auth.SetNotAuthorized();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/admin/avatars");
        Render<AdminLayout>(p => p.Add(x => x.Body, b => b.AddMarkupContent(0, "<p id='secret'>secret</p>")));
        Assert.StartsWith("http://localhost/admin/login?ReturnUrl=%2Fadmin%2Favatars", navigation.Uri);

        auth.SetAuthorized("root");
        auth.SetRoles(AdminOptions.Role);
        var layout = Render<AdminLayout>(p => p.Add(x => x.Body, b => b.AddMarkupContent(0, "<p id='secret'>secret</p>")));
        Assert.NotNull(layout.Find("#secret"));
        Assert.Contains("Stream targets", layout.Markup);
        Assert.Equal(AccountEndpoints.LogoutPost, layout.Find("form").GetAttribute("action"));
    }

    [Fact]
    public async Task Persona_form_saves_to_the_database()
    {
        await using (var context = await _db.Contexts.CreateDbContextAsync())
        {
            context.Avatars.Add(new AvatarRecord { Id = "aaaa", Name = "Ada", MediaType = "image/png", StoredFileName = "source.png", Status = AvatarStatus.Ready, CreatedUtc = DateTime.UtcNow });
            await context.SaveChangesAsync();
        }

        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<Personas>();
        page.WaitForAssertion(() => page.Find("#persona-greeting"));
        page.Find("#persona-greeting").Change("Hello, I am Ada.");
        page.Find("#persona-prompt").Change("You are Ada, a patient maths tutor.");
        page.Find("form").Submit();

        // The submit handler saves asynchronously: wait (up to 5 s) for the row, then check all of it.
        var library = _db.Services.GetRequiredService<AvatarLibrary>();
        var saved = await library.FindAsync("aaaa", CancellationToken.None);
        for (var waited = 0; saved!.Persona.Greeting != "Hello, I am Ada." && waited < 5000; waited += 50)
        {
            await Task.Delay(50);
            saved = await library.FindAsync("aaaa", CancellationToken.None);
        }

        Assert.Equal("Hello, I am Ada.", saved!.Persona.Greeting);
        Assert.Equal("You are Ada, a patient maths tutor.", saved.Persona.SystemPrompt);
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("fixed-token", "__RequestVerificationToken");
    }
}
