using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebAvatar.Web.Tests.Admin;
using WebAvatar.Web.Tests.Api;

namespace WebAvatar.Web.Tests;

/// <summary>With Telemetry:OtlpEndpoint set, a running app exports each reply's trace (root and stage spans) to the collector.</summary>
public class TraceExportTests
{
    [Fact]
    public async Task A_reply_trace_with_its_stage_spans_reaches_an_otlp_collector()
    {
        var posts = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        using var collector = new LoopbackHttpServer(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            posts.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
        });
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string>
        {
            ["Telemetry:OtlpEndpoint"] = collector.Root,
            ["Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200", // export within a fraction of a second, not the default 5 s
        });
        var (_, secret) = await TestApiKeys.CreateAsync(app, "traces");
        using var api = TestApiKeys.Client(app, secret);
        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { mode = "echo" });
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using var events = await SseReader.OpenAsync(api, $"/api/v1/sessions/{id}/events");
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsJsonAsync($"/api/v1/sessions/{id}/speak", new { text = "What a lovely morning.", mode = "ask-llm" })).StatusCode);
        await events.WaitForAsync((type, data) => type == "state" && data.GetProperty("state").GetString() == "listening", TimeSpan.FromSeconds(30));

        string[] expected = ["reply", "llm", "segment", "tts", "lipsync", "output", "webavatar.reply.id", SessionKeys.Publish(id)];
        string exported = string.Empty;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline && !expected.All(exported.Contains); await Task.Delay(200))
        {
            // OTLP/protobuf carries span names and tag values as plain UTF-8 strings.
            exported = string.Concat(posts.Where(p => p.Path == "/v1/traces").Select(p => Encoding.UTF8.GetString(p.Body)));
        }

        Assert.NotEmpty(posts);
        Assert.All(posts, p => Assert.Equal("/v1/traces", p.Path));
        Assert.All(posts, p => Assert.Equal("application/x-protobuf", p.ContentType));
        Assert.All(expected, e => Assert.Contains(e, exported));
        Assert.DoesNotContain(id, exported);
    }
}
