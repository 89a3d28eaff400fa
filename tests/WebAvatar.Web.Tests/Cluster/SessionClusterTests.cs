using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WebAvatar.Testing.Load;
using WebAvatar.Web.Tests.Admin;
using WebAvatar.Web.Tests.Api;
using Xunit.Abstractions;

namespace WebAvatar.Web.Tests.Cluster;

/// <summary>
/// Two WebAvatar nodes as separate processes on loopback (own HTTP, silo and UDP ports, one session slot each), one
/// Orleans cluster with its membership on a real Redis, one PostgreSQL store: admission is cluster-wide, any node is a
/// front door for any session (commands, events, WHEP), media comes straight from the node that runs the session (Chromium
/// through the web widget), and a dead node's sessions end with a message to their page while the others play on.
/// </summary>
public sealed class SessionClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NodeLossLimit = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Sessions_fill_both_nodes_travel_through_either_and_a_dead_nodes_sessions_end_while_the_others_play_on()
    {
        await using var backends = await ClusterBackends.StartAsync();
        int udpA = TestServers.FreePort(), udpB = TestServers.FreePort();
        await using var site = HostPage.Start();
        await using var a = await AdminApp.StartAsync(backends.Shared, extra: backends.Node("node-a", udpA));
        var b = await AdminApp.StartAsync(backends.Shared, extra: backends.Node("node-b", udpB));
        await using var bCleanup = b;
        using var adminA = await a.SignInAsync();
        await WaitForNodesAsync(adminA, ["node-a", "node-b"], TimeSpan.FromSeconds(30));

        var (_, secret) = await TestApiKeys.CreateAsync(a, "cluster", site.Origin);
        site.Html = HostPage.WidgetPage(a.BaseAddress, secret, PeerConnectionRecorder);
        using var apiA = TestApiKeys.Client(a, secret);
        using var apiB = TestApiKeys.Client(b, secret);

        // B's admin stops a session that runs on A: it ends there with the dashboard's reason, and its slot is free again.
        var stoppedOne = await CreateAsync(apiA);
        Assert.Equal("node-a", stoppedOne.GetProperty("node").GetString());
        string stoppedId = stoppedOne.GetProperty("id").GetString()!;
        using (var adminB = await b.SignInAsync())
        {
            await AdminApp.AddAntiforgeryHeaderAsync(adminB);
            await using var ending = await SseReader.OpenAsync(apiB, $"/api/v1/sessions/{stoppedId}/events");
            await ending.WaitForAsync((type, _) => type == "state", TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.NoContent, (await adminB.DeleteAsync($"/api/admin/sessions/{stoppedId}")).StatusCode);
            await ending.WaitForAsync((type, data) => type == "ended" && data.GetProperty("reason").GetString() == "stopped from the dashboard", TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.NotFound, (await adminB.DeleteAsync($"/api/admin/sessions/{stoppedId}")).StatusCode);
        }

        // Session 1 through A runs on A; its media, asked for through B, comes from A's UDP port.
        var first = await CreateAsync(apiA);
        Assert.Equal("node-a", first.GetProperty("node").GetString());
        string s1 = first.GetProperty("id").GetString()!;
        await using var viewer1 = await WhepLoadClient.ConnectAsync(b.BaseAddress, s1, CancellationToken.None);
        Assert.Equal(udpA, viewer1.Answer.Candidate.Port);

        // Session 2: the widget on a page, talking to A. A is full, so the session runs on B, and Chromium receives it
        // from B's UDP port.
        await using var chromium = await ChromiumLauncher.LaunchAsync(MicWav.Tone());
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 800 } });
        await page.GotoAsync(site.Origin + "/");
        var widget = page.Locator(".webavatar-widget");
        await widget.Locator(".start").ClickAsync();
        await Assertions.Expect(widget.Locator("input")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        var listed = (await apiA.GetFromJsonAsync<JsonElement>("/api/v1/sessions")).EnumerateArray().ToList();
        var second = Assert.Single(listed, v => v.GetProperty("id").GetString() != s1);
        string s2 = second.GetProperty("id").GetString()!;
        Assert.Equal("node-b", second.GetProperty("node").GetString());
        Assert.Equal(udpB, await page.EvaluateAsync<int>(SelectedRemotePort));
        var media = await widget.Locator("video").EvaluateAsync<double[]>(
            "async (v) => { await new Promise((r) => setTimeout(r, 1000)); return [v.videoWidth, v.currentTime]; }");
        Assert.True(media[0] > 0 && media[1] > 0.5, $"Chromium does not play session 2 (width {media[0]}, time {media[1]:F2} s)");

        // Session 3 is refused for the whole cluster.
        var refused = await apiA.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        string refusal = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        output.WriteLine("third session: " + refusal);
        Assert.Contains("Every node of the cluster is full", refusal, StringComparison.Ordinal);
        Assert.Contains("node-a: 1/1", refusal, StringComparison.Ordinal);
        Assert.Contains("node-b: 1/1", refusal, StringComparison.Ordinal);

        // Either node describes either session; the admin sees both nodes' sessions, each with its node.
        Assert.Equal("node-b", (await apiA.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{s2}")).GetProperty("node").GetString());
        Assert.Equal("node-a", (await apiB.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{s1}")).GetProperty("node").GetString());
        var view = await adminA.GetFromJsonAsync<JsonElement>("/api/admin/nodes");
        var placed = view.GetProperty("sessions").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("node").GetString());
        Assert.Equal("node-a", placed[s1]);
        Assert.Equal("node-b", placed[s2]);

        // Speak through B reaches session 1 on A: its events, followed on B, carry the line and the avatar speaking it.
        await using var events1 = await SseReader.OpenAsync(apiB, $"/api/v1/sessions/{s1}/events");
        await events1.WaitForAsync((type, _) => type == "state", TimeSpan.FromSeconds(10));
        const string Line = "Hello from the other node.";
        var spoken = await apiB.PostAsJsonAsync($"/api/v1/sessions/{s1}/speak", new { text = Line });
        Assert.Equal(HttpStatusCode.Accepted, spoken.StatusCode);
        await events1.WaitForAsync((type, data) => type == "transcript" && data.GetProperty("text").GetString() == Line, TimeSpan.FromSeconds(10));
        await events1.WaitForAsync((type, data) => type == "state" && data.GetProperty("state").GetString() == "speaking", TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => viewer1.Counters.AudioPayloadBytes > 0 && viewer1.Counters.VideoFrames > 25, TimeSpan.FromSeconds(10), "session 1's viewer receives audio and video");

        // Node B dies: the widget's page hears so within 15 s; session 1 on A plays on untouched.
        var killed = Stopwatch.StartNew();
        await b.Process.KillAsync();
        await Assertions.Expect(widget.Locator(".status")).ToContainTextAsync("node-b", new() { Timeout = (float)NodeLossLimit.TotalMilliseconds });
        output.WriteLine($"the page was told {killed.Elapsed.TotalSeconds:F1} s after node B was killed: {await widget.Locator(".status").TextContentAsync()}");
        Assert.True(killed.Elapsed < NodeLossLimit, $"the page was told after {killed.Elapsed.TotalSeconds:F1} s (limit {NodeLossLimit.TotalSeconds} s)");

        long frames = viewer1.Counters.VideoFrames, audio = viewer1.Counters.AudioPackets;
        await Task.Delay(2000);
        Assert.True(viewer1.Counters.VideoFrames - frames >= 40, $"session 1 sent {viewer1.Counters.VideoFrames - frames} video frames in the 2 s after the loss");
        Assert.True(viewer1.Counters.AudioPackets - audio >= 80, $"session 1 sent {viewer1.Counters.AudioPackets - audio} audio packets in the 2 s after the loss");
        Assert.Equal(HttpStatusCode.OK, (await apiA.GetAsync($"/api/v1/sessions/{s1}")).StatusCode);

        // B's slot left admission: the cluster is A alone, and full.
        var after = await adminA.GetFromJsonAsync<JsonElement>("/api/admin/nodes");
        Assert.Equal(["node-a"], after.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()));
        var again = await apiA.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        string alone = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("node-a: 1/1", alone, StringComparison.Ordinal);
        Assert.DoesNotContain("node-b", alone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chat_page_of_a_full_node_runs_its_session_on_the_other_resumes_it_and_frees_it_when_the_tab_closes()
    {
        await using var backends = await ClusterBackends.StartAsync();
        int udpA = TestServers.FreePort(), udpB = TestServers.FreePort();
        await using var a = await AdminApp.StartAsync(backends.Shared, extra: backends.Node("node-a", udpA));
        await using var b = await AdminApp.StartAsync(backends.Shared, extra: backends.Node("node-b", udpB));
        using var adminA = await a.SignInAsync();
        await WaitForNodesAsync(adminA, ["node-a", "node-b"], TimeSpan.FromSeconds(30));
        var (_, secret) = await TestApiKeys.CreateAsync(a, "cluster-chat");
        using var apiA = TestApiKeys.Client(a, secret);
        Assert.Equal("node-a", (await CreateAsync(apiA)).GetProperty("node").GetString()); // A is full now

        // The chat page served by A starts its session on B; Chromium's media comes from B's UDP port.
        await using var chromium = await ChromiumLauncher.LaunchAsync(MicWav.Tone());
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(a.BaseAddress.ToString());
        var start = page.Locator("#start-button");
        await Assertions.Expect(start).ToBeEnabledAsync(new() { Timeout = 30_000 });
        string session = (await page.Locator("#avatar-stage").GetAttributeAsync("data-session-id"))!;
        Assert.Equal("node-b", await NodeOfAsync(adminA, session));
        await start.ClickAsync();
        await Assertions.Expect(page.Locator("#connection-chip")).ToHaveTextAsync("connected", new() { Timeout = 15_000 });
        Assert.Equal(udpB, await page.EvaluateAsync<int>(ChatPageRemotePort));
        var playing = await page.Locator("#avatar-video").EvaluateAsync<double>("async (v) => { await new Promise((r) => setTimeout(r, 1000)); return v.currentTime; }");
        Assert.True(playing > 0.5, $"Chromium does not play the session on B (time {playing:F2} s)");

        // Typed text goes to B through the session's grain; its transcript comes back to A's page.
        await page.Locator("#message-input").FillAsync("Hello from node A.");
        await page.Locator("#send-button").ClickAsync();
        await Assertions.Expect(page.Locator("#transcript")).ToContainTextAsync("Hello from node A", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#state-chip")).ToHaveTextAsync("Speaking", new() { Timeout = 15_000 });

        // A reload resumes the same session on B, with its conversation.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#start-button")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        Assert.Equal(session, await page.Locator("#avatar-stage").GetAttributeAsync("data-session-id"));
        await Assertions.Expect(page.Locator("#transcript")).ToContainTextAsync("Hello from node A");

        // Closing the tab releases the page's hold on B: the session ends after the grace time and B's slot is free.
        var closed = Stopwatch.StartNew();
        await page.CloseAsync();
        while (await NodeOfAsync(adminA, session) is not null)
        {
            Assert.True(closed.Elapsed < TimeSpan.FromSeconds(30), $"the closed tab's session on B still runs after {closed.Elapsed.TotalSeconds:F0} s");
            await Task.Delay(250);
        }

        output.WriteLine($"the closed tab's session on B ended {closed.Elapsed.TotalSeconds:F1} s later");
    }

    [Fact]
    public async Task A_broadcast_started_from_a_full_nodes_dashboard_runs_on_the_other_and_either_dashboard_drives_it()
    {
        await using var backends = await ClusterBackends.StartAsync();
        await using var a = await AdminApp.StartAsync(backends.Shared, extra: backends.Node("node-a", TestServers.FreePort()));
        await using var b = await AdminApp.StartAsync(backends.Shared, extra: backends.Node("node-b", TestServers.FreePort()));
        using var adminA = await a.SignInAsync();
        using var adminB = await b.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(adminA);
        await AdminApp.AddAntiforgeryHeaderAsync(adminB);
        await WaitForNodesAsync(adminA, ["node-a", "node-b"], TimeSpan.FromSeconds(30));
        var (_, secret) = await TestApiKeys.CreateAsync(a, "cluster-broadcast");
        using var apiA = TestApiKeys.Client(a, secret);
        string filler = (await CreateAsync(apiA)).GetProperty("id").GetString()!;
        Assert.Equal("node-a", await NodeOfAsync(adminA, filler)); // A is full now

        // A's dashboard, in Chromium: a stream target (stored in PostgreSQL), then a broadcast to it. A is full, so it runs on B.
        const string Line = "Said on node A's dashboard, spoken on node B.";
        await using var chromium = await ChromiumLauncher.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = a.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await DriveAsync();
        }
        catch
        {
            output.WriteLine("node A:\n" + a.Process.Log);
            output.WriteLine("node B:\n" + b.Process.Log);
            throw;
        }

        async Task DriveAsync()
        {
            await AdminBrowserTests.SignInAsync(page);
            await page.GotoAsync("/admin/streams");
            await AdminBrowserTests.WaitInteractiveAsync(page);
            await page.FillAsync("#target-name", "Studio");
            await page.FillAsync("#target-url", "rtmp://127.0.0.1:9/live");
            await page.FillAsync("#target-key", "cluster-secret-3141");
            await page.ClickAsync("#add-target");
            await page.WaitForSelectorAsync(".masked-key:has-text('3141')");

            await page.GotoAsync("/admin/broadcasts");
            await AdminBrowserTests.WaitInteractiveAsync(page);
            await page.Locator(".broadcast-target input").CheckAsync();
            await page.WaitForSelectorAsync("#no-target-hint", new() { State = WaitForSelectorState.Detached });
            await page.ClickAsync("#start-broadcast");
            await Assertions.Expect(page.Locator("#broadcast-notice")).ToContainTextAsync("started on node node-b, streaming to Studio");
            var card = page.Locator(".broadcast-card");
            await Assertions.Expect(card).ToHaveCountAsync(1);
            string id = (await card.GetAttributeAsync("data-session-id"))!;
            Assert.Equal("node-b", await NodeOfAsync(adminA, id));
            Assert.Equal("node-b", (await card.Locator(".broadcast-node").TextContentAsync())!.Trim());
            await Assertions.Expect(card.Locator(".mirror-target")).ToHaveTextAsync("rtmp://127.0.0.1:9/live/****");

            // The line typed on A's page is spoken on B; B's transcript reaches the shared history.
            await card.Locator(".broadcast-line input").FillAsync(Line);
            await card.Locator(".say-button").ClickAsync();
            await WaitUntilAsync(async () => (await adminA.GetStringAsync($"/api/admin/history/{id}")).Contains(Line, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the line said on A reaches the history");
            Assert.DoesNotContain("cluster-secret", await page.ContentAsync());

            // Either node's admin API lists and describes it, with its node and its mirror's stream target.
            int target = Assert.Single((await adminB.GetFromJsonAsync<JsonElement>("/api/admin/streams")).EnumerateArray()).GetProperty("id").GetInt32();
            foreach (var admin in new[] { adminA, adminB })
            {
                var listed = Assert.Single((await admin.GetFromJsonAsync<JsonElement>("/api/admin/broadcasts")).EnumerateArray());
                Assert.Equal(id, listed.GetProperty("id").GetString());
                Assert.Equal("node-b", listed.GetProperty("node").GetString());
                var mirror = Assert.Single(listed.GetProperty("mirrors").EnumerateArray());
                Assert.Equal(target, mirror.GetProperty("targetId").GetInt32());
                Assert.Equal("rtmp://127.0.0.1:9/live/****", mirror.GetProperty("target").GetString());
                Assert.DoesNotContain("cluster-secret", listed.GetRawText());
            }

            // Through B's admin API, to the broadcast on B and back through A: refusals say why, and the cluster is full.
            var empty = await adminA.PostAsJsonAsync($"/api/admin/broadcasts/{id}/speak", new { text = " " });
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("Nothing to say", await empty.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await adminA.PostAsync($"/api/admin/broadcasts/{id}/interrupt", null)).StatusCode);
            var full = await adminB.PostAsJsonAsync("/api/admin/broadcasts", new { mode = "Echo" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.Contains("Every node of the cluster is full", await full.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await adminB.PostAsJsonAsync($"/api/admin/broadcasts/{filler}/speak", new { text = "not a broadcast" })).StatusCode);

            // A's stream targets page lists both nodes' sessions and stops and restarts the mirror of the one on B.
            await page.GotoAsync("/admin/streams");
            await AdminBrowserTests.WaitInteractiveAsync(page);
            var row = page.Locator($"#mirror-table tr:has(.mirror-session:text-is('{id}'))");
            await Assertions.Expect(row.Locator(".mirror-node")).ToHaveTextAsync("node-b");
            await Assertions.Expect(page.Locator($"#mirror-table tr:has(.mirror-session:text-is('{filler}')) .mirror-node")).ToHaveTextAsync("node-a");
            await row.Locator(".mirror-stop").ClickAsync();
            await Assertions.Expect(row.Locator(".mirror-state")).ToHaveTextAsync("Stopped");
            Assert.Equal("Stopped", (await adminB.GetFromJsonAsync<JsonElement>($"/api/admin/streams/status/{id}")).GetProperty("state").GetString());
            await row.Locator(".mirror-start").ClickAsync();
            await Assertions.Expect(row.Locator(".mirror-state")).Not.ToHaveTextAsync("Stopped");
            var restarted = await adminB.GetFromJsonAsync<JsonElement>($"/api/admin/streams/status/{id}");
            Assert.Equal(target, restarted.GetProperty("targetId").GetInt32());
            Assert.DoesNotContain("cluster-secret", await page.ContentAsync());

            // Stopped from A's broadcasts page: B's slot is free again, and the page lists nothing.
            await page.GotoAsync("/admin/broadcasts");
            await AdminBrowserTests.WaitInteractiveAsync(page);
            await card.Locator(".stop-broadcast").ClickAsync();
            await page.WaitForSelectorAsync("#no-broadcasts");
            await WaitUntilAsync(async () => await NodeOfAsync(adminA, id) is null, TimeSpan.FromSeconds(10), "the stopped broadcast leaves node B");
            Assert.Equal(HttpStatusCode.NotFound, (await adminB.GetAsync($"/api/admin/broadcasts/{id}")).StatusCode);
            var next = await adminA.PostAsJsonAsync("/api/admin/broadcasts", new { mode = "Echo" });
            Assert.Equal(HttpStatusCode.Created, next.StatusCode);
            Assert.Equal("node-b", (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("node").GetString());
        }
    }

    /// <summary>What the two nodes share: Redis (membership), one PostgreSQL database, one data folder and a cluster id.</summary>
    private sealed class ClusterBackends : IAsyncDisposable
    {
        private readonly RedisServer _redis;
        private readonly PostgresServer _postgres;
        private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        private readonly string _database = PostgresServer.NewDatabaseName();

        private ClusterBackends(RedisServer redis, PostgresServer postgres)
        {
            _redis = redis;
            _postgres = postgres;
        }

        public string Shared { get; } = AdminApp.NewDataFolder();

        public static async Task<ClusterBackends> StartAsync()
        {
            var redis = await RedisServer.StartAsync();
            try
            {
                return new ClusterBackends(redis, await PostgresServer.StartAsync());
            }
            catch
            {
                await redis.DisposeAsync();
                throw;
            }
        }

        /// <summary>A node's settings: its name and UDP port, its own silo port, one session slot.</summary>
        public Dictionary<string, string> Node(string name, int udp) => new()
        {
            ["Data:Provider"] = "PostgreSql",
            ["Data:ConnectionString"] = _postgres.ConnectionString(_database),
            ["Cluster:Membership"] = "Redis",
            ["Cluster:RedisConnectionString"] = _redis.ConnectionString,
            ["Cluster:ClusterId"] = _clusterId,
            ["Cluster:NodeName"] = name,
            ["Cluster:SiloPort"] = TestServers.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sessions:MaxSessions"] = "1",
            ["WebRtc:UdpPort"] = udp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        public async ValueTask DisposeAsync()
        {
            Directory.Delete(Shared, recursive: true);
            await _postgres.DisposeAsync();
            await _redis.DisposeAsync();
        }
    }

    /// <summary>The node that runs <paramref name="session"/>, as the admin's cluster view says; null when no node has it.</summary>
    private static async Task<string?> NodeOfAsync(HttpClient admin, string session)
    {
        var view = await admin.GetFromJsonAsync<JsonElement>("/api/admin/nodes");
        return view.GetProperty("sessions").EnumerateArray().Where(s => s.GetProperty("id").GetString() == session).Select(s => s.GetProperty("node").GetString()).FirstOrDefault();
    }

    // The chat page keeps its peer connection in its controller; the remote end of its selected (or succeeded) ICE pair.
    private const string ChatPageRemotePort = """
        async () => {
          const stats = await avatarPage.controller().pc.getStats();
          let pair = null;
          stats.forEach((r) => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
          stats.forEach((r) => { if (!pair && r.type === 'candidate-pair' && r.state === 'succeeded') pair = r; });
          return pair ? stats.get(pair.remoteCandidateId).port : -1;
        }
        """;

    // Keeps the page's peer connections, so the test can ask Chromium which address its media comes from.
    private const string PeerConnectionRecorder = """
        <script>
          window.__peers = [];
          window.RTCPeerConnection = class extends window.RTCPeerConnection {
            constructor(...args) { super(...args); window.__peers.push(this); }
          };
        </script>
        """;

    // The UDP port of the remote end of the page's latest peer connection: its selected ICE candidate pair, or the pair
    // that succeeded (the server is ICE-lite, so Chromium may not name a selected one).
    private const string SelectedRemotePort = """
        async () => {
          const stats = await window.__peers.at(-1).getStats();
          let pair = null;
          stats.forEach((r) => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
          stats.forEach((r) => { if (!pair && r.type === 'candidate-pair' && r.state === 'succeeded') pair = r; });
          return pair ? stats.get(pair.remoteCandidateId).port : -1;
        }
        """;

    private static async Task<JsonElement> CreateAsync(HttpClient api)
    {
        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" });
        string body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task WaitForNodesAsync(HttpClient admin, string[] names, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string seen = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            var view = await admin.GetFromJsonAsync<JsonElement>("/api/admin/nodes");
            var nodes = view.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()!).Order().ToArray();
            seen = string.Join(", ", nodes);
            if (nodes.SequenceEqual(names))
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The cluster did not list {string.Join(", ", names)} within {timeout.TotalSeconds} s (saw: {seen}).");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);
}
