using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Data;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>Headless broadcasts through /api/admin/broadcasts on the real app, with no browser anywhere.</summary>
public sealed class BroadcastApiTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Sessions:GraceSeconds"] = "2",
        ["Sessions:MaxSessions"] = "1",
    };

    [Fact]
    public async Task Broadcast_started_through_the_api_outlives_the_grace_time_speaks_and_is_deleted()
    {
        await using var app = await AdminApp.StartAsync(extra: Settings);
        int targetId = await AddTargetAsync(app, "Nowhere", "rtmp://127.0.0.1:9/live", "secret-key-4242");
        using var admin = await app.SignInAsync();

        var forged = await admin.PostAsJsonAsync("/api/admin/broadcasts", new { });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("anti-forgery", await forged.Content.ReadAsStringAsync());
        await AdminApp.AddAntiforgeryHeaderAsync(admin);

        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/broadcasts", new { targetIds = new[] { 987654 } }), HttpStatusCode.NotFound, "There is no stream target 987654");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/broadcasts", new { avatarId = "ffffffffffffffff" }), HttpStatusCode.BadRequest, "There is no avatar 'ffffffffffffffff'");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/broadcasts", new { voiceId = "en us" }), HttpStatusCode.BadRequest, "A voice id is a short name");

        var created = await admin.PostAsJsonAsync("/api/admin/broadcasts", new { mode = "Echo", targetIds = new[] { targetId } });
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdText);
        Assert.DoesNotContain("secret-key-4242", createdText);
        var broadcast = JsonDocument.Parse(createdText).RootElement;
        var id = broadcast.GetProperty("id").GetString()!;
        Assert.Equal($"/api/admin/broadcasts/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Broadcast", broadcast.GetProperty("kind").GetString());
        Assert.Equal("Echo", broadcast.GetProperty("mode").GetString());
        Assert.Equal(["broadcast"], broadcast.GetProperty("holders").EnumerateArray().Select(h => h.GetString()));
        var mirror = Assert.Single(broadcast.GetProperty("mirrors").EnumerateArray());
        Assert.Equal(targetId, mirror.GetProperty("targetId").GetInt32());
        Assert.Equal("rtmp://127.0.0.1:9/live/****", mirror.GetProperty("target").GetString());

        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/broadcasts", new { }), HttpStatusCode.ServiceUnavailable, "The avatar is busy");

        // Nothing but the broadcast itself holds it: it must outlast the 2 s grace time that would end a chat.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var listed = await FindSessionAsync(admin, id);
        Assert.True(listed.HasValue, "the broadcast is still running after the grace time");
        Assert.Equal("Broadcast", listed.Value.GetProperty("kind").GetString());
        Assert.Equal(0, listed.Value.GetProperty("viewers").GetInt32());

        await AssertProblemAsync(await admin.PostAsJsonAsync($"/api/admin/broadcasts/{id}/speak", new { text = " " }), HttpStatusCode.BadRequest, "Nothing to say");
        const string line = "Hello from a broadcast without any browser.";
        var spoken = await admin.PostAsJsonAsync($"/api/admin/broadcasts/{id}/speak", new { text = line, mode = "SayExactly", interruptCurrent = true });
        var result = await spoken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Accepted, spoken.StatusCode);
        Assert.True(result.GetProperty("accepted").GetBoolean());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("replyId").GetString()));
        await WaitUntilAsync(async () => (await admin.GetStringAsync($"/api/admin/history/{id}")).Contains(line, StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var deleted = await admin.DeleteAsync($"/api/admin/broadcasts/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await FindSessionAsync(admin, id));
        await AssertProblemAsync(await admin.DeleteAsync($"/api/admin/broadcasts/{id}"), HttpStatusCode.NotFound, $"There is no broadcast '{id}'");
        await AssertProblemAsync(await admin.PostAsJsonAsync($"/api/admin/broadcasts/{id}/speak", new { text = line }), HttpStatusCode.NotFound, "There is no broadcast");
    }

    private static async Task<JsonElement?> FindSessionAsync(HttpClient admin, string id)
    {
        var sessions = await admin.GetFromJsonAsync<JsonElement>("/api/admin/sessions");
        return sessions.EnumerateArray().Where(s => s.GetProperty("id").GetString() == id).Select(s => (JsonElement?)s).FirstOrDefault();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within {timeout.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    /// <summary>Adds a stream target straight to the app's database (the dashboard has no API for adding one).</summary>
    internal static async Task<int> AddTargetAsync(AdminApp app, string name, string url, string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = app.DataFolder,
            ["Data:ConnectionString"] = $"Data Source={Path.Combine(app.DataFolder, "webavatar.db")};Pooling=False",
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddWebAvatarData()
            .AddSingleton<StreamTargetStore>()
            .BuildServiceProvider();
        return (await services.GetRequiredService<StreamTargetStore>().AddAsync(name, url, key, CancellationToken.None)).Id;
    }
}
