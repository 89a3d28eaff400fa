using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebAvatar.Web.Tests.Admin;
using WebAvatar.Web.Tests.Api;
using Xunit.Abstractions;

namespace WebAvatar.Web.Tests;

/// <summary>The Prometheus scrape of a running app: reply stage histograms and session gauges, behind an API key when the admin asks for it.</summary>
public partial class PrometheusEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_scrape_after_a_reply_shows_the_stage_histograms_and_the_session_and_refuses_a_caller_without_a_key()
    {
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["Telemetry:PrometheusAccess"] = "ApiKey" });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "prometheus");
        using var api = TestApiKeys.Client(app, secret);
        using var anonymous = TestApiKeys.Client(app, null);

        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { mode = "echo" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using var events = await SseReader.OpenAsync(api, $"/api/v1/sessions/{id}/events");
        var speak = await api.PostAsJsonAsync($"/api/v1/sessions/{id}/speak", new { text = "Tell me about the weather today.", mode = "ask-llm" });
        Assert.Equal(HttpStatusCode.Accepted, speak.StatusCode);
        await events.WaitForAsync((type, data) => type == "stage" && data.GetProperty("stage").GetString() == "first-audio-out", TimeSpan.FromSeconds(30));
        await events.WaitForAsync((type, data) => type == "state" && data.GetProperty("state").GetString() == "listening", TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);

        // The reply's trace is written once it was spoken, just after "listening": wait for its stage durations.
        string scrape = string.Empty;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var response = await api.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            scrape = await response.Content.ReadAsStringAsync();
            if (Count(scrape, "webavatar_reply_stage_duration_milliseconds_count", "output") > 0)
            {
                break;
            }
        }

        output.WriteLine(string.Join('\n', scrape.Split('\n').Where(l => l.StartsWith("webavatar_", StringComparison.Ordinal))));
        foreach (var stage in new[] { "llm", "segment", "tts", "lipsync", "output" })
        {
            Assert.Equal(1, Count(scrape, "webavatar_reply_stage_duration_milliseconds_count", stage));
            Assert.Contains($"webavatar_reply_stage_duration_milliseconds_bucket{{", scrape);
            Assert.Matches($"webavatar_reply_stage_duration_milliseconds_bucket\\{{[^}}]*stage=\"{stage}\"[^}}]*le=\"\\+Inf\"[^}}]*\\}} 1", scrape);
        }

        foreach (var milestone in new[] { "llm-first-token", "tts-first-audio", "lip-sync-first-frame", "first-audio-out" })
        {
            Assert.Equal(1, Count(scrape, "webavatar_reply_latency_milliseconds_count", milestone));
        }

        Assert.Equal(1, Value(scrape, "webavatar_sessions_active"));
        Assert.Matches("webavatar_replies_total\\{[^}]*kind=\"llm\"[^}]*outcome=\"completed\"[^}]*\\} 1", scrape);
        Assert.Matches("webavatar_session_frames_per_second\\{[^}]*session=\"" + SessionKeys.Publish(id) + "\"", scrape);
        // The echo session's "model" went through the OpenTelemetry layer of the chat client pipeline too.
        Assert.Matches("gen_ai_client_operation_duration_seconds_count\\{[^}]*otel_scope_name=\"WebAvatar.Llm\"[^}]*\\} 1", scrape);
        Assert.DoesNotContain(id, scrape); // never the session id itself: it is enough to join the session
    }

    [Fact]
    public async Task A_malformed_otlp_endpoint_stops_the_app_naming_the_setting()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["Telemetry:OtlpEndpoint"] = "localhost:4317" });
        });
        Assert.Contains("Telemetry:OtlpEndpoint", ex.Message);
    }

    /// <summary>The value of the sample of <paramref name="metric"/> whose stage label is <paramref name="stage"/>; 0 when absent.</summary>
    private static double Count(string scrape, string metric, string stage)
    {
        var match = Regex.Match(scrape, $"^{metric}\\{{[^}}]*stage=\"{Regex.Escape(stage)}\"[^}}]*\\}} (\\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static double Value(string scrape, string metric)
    {
        var match = Regex.Match(scrape, $"^{metric}(\\{{[^}}]*\\}})? (\\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"{metric} is not in the scrape");
        return double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }
}
