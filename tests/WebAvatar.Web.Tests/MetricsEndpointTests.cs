using System.Net;
using System.Text.Json;

namespace WebAvatar.Web.Tests;

public class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_are_anonymous_read_only_json_and_forced_gc_is_off_by_default()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Llm:Provider"] = "Scripted",
            ["Llm:ScriptedReply"] = "Hello from the script.",
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        using var metrics = JsonDocument.Parse(await http.GetStringAsync("/api/metrics"));
        var root = metrics.RootElement;
        Assert.True(root.GetProperty("workingSetBytes").GetInt64() > 10_000_000);
        Assert.True(root.GetProperty("gcHeapBytes").GetInt64() > 0);
        Assert.True(root.GetProperty("threads").GetInt32() > 1);
        Assert.True(root.GetProperty("openHandles").GetInt32() > 3);
        Assert.True(root.GetProperty("cpuSeconds").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("activeSessions").GetInt32());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("sessions").ValueKind);

        // The Prometheus endpoint is as open as /api/metrics unless Telemetry:PrometheusAccess says otherwise.
        var scrape = await http.GetStringAsync("/metrics");
        Assert.Matches("(?m)^webavatar_sessions_active(\\{[^}]*\\})? 0$", scrape);

        var gc = await http.PostAsync("/api/metrics/gc", null);
        Assert.Equal(HttpStatusCode.Forbidden, gc.StatusCode);
        Assert.Contains("Metrics:AllowForcedGc", await gc.Content.ReadAsStringAsync());
        var html = await http.GetStringAsync("/");
        Assert.Contains("LLM: scripted", html);
        Assert.DoesNotContain("Echo mode", html);
    }

    [Fact]
    public async Task A_scripted_llm_without_a_reply_stops_the_app_naming_the_setting()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["Llm:Provider"] = "Scripted" });
        });
        Assert.Contains("Llm:ScriptedReply", ex.Message);
    }

    [Fact]
    public void Sessions_are_published_under_a_one_way_key_not_their_id()
    {
        // SHA-256("abc") = ba7816bf8f01cfea...: the benchmarks find their own session by computing the same key.
        Assert.Equal("ba7816bf8f01cfea", SessionKeys.Publish("abc"));
        Assert.NotEqual(SessionKeys.Publish("abd"), SessionKeys.Publish("abc"));
    }
}
