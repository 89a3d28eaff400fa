using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

/// <summary>
/// Every /api/v1 route (found from the app's own route table, so a new route cannot be forgotten) refuses callers without a
/// key, with a revoked key, and with another key's session, and changes nothing when it refuses. Bad input gets a 4xx
/// problem-details answer that says what is wrong.
/// </summary>
[Collection(AdminAppCollection.Name)]
public class SessionApiSecurityTests(AdminAppFixture fixture)
{
    [Fact]
    public async Task Every_v1_route_refuses_no_key_a_revoked_key_and_another_keys_session_without_changing_anything()
    {
        var app = fixture.App;
        var (_, owner) = await TestApiKeys.CreateAsync(app, "owner");
        var (_, other) = await TestApiKeys.CreateAsync(app, "other");
        var (revokedId, revoked) = await TestApiKeys.CreateAsync(app, "revoked");
        await TestApiKeys.RevokeAsync(app, revokedId);
        using var owned = TestApiKeys.Client(app, owner);
        using var stranger = TestApiKeys.Client(app, other);
        using var anonymous = TestApiKeys.Client(app, null);
        using var withRevoked = TestApiKeys.Client(app, revoked);

        var created = await owned.PostAsJsonAsync("/api/v1/sessions", new { mode = "echo" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        try
        {
            var routes = await V1RoutesAsync(app);
            Assert.True(routes.Count >= 9, "routes found: " + string.Join(", ", routes));
            foreach (var (method, pattern) in routes)
            {
                string path = pattern.Replace("{id}", id, StringComparison.Ordinal);
                foreach (var (client, who) in new[] { (anonymous, "no key"), (withRevoked, "a revoked key") })
                {
                    using var response = await SendAsync(client, method, path);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {pattern} with {who}: {(int)response.StatusCode}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }

                using var foreign = await SendAsync(stranger, method, path);
                if (pattern.Contains("{id}", StringComparison.Ordinal))
                {
                    Assert.True(foreign.StatusCode == HttpStatusCode.NotFound, $"{method} {pattern} with another key: {(int)foreign.StatusCode}");
                }
                else if (method == "GET" && pattern.EndsWith("/sessions", StringComparison.Ordinal))
                {
                    Assert.DoesNotContain(id, await foreign.Content.ReadAsStringAsync());
                }
            }

            // Nothing happened to the owner's session: still there, never spoke.
            var session = await owned.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}");
            Assert.Equal("listening", session.GetProperty("state").GetString());
            await using var events = await SseReader.OpenAsync(owned, $"/api/v1/sessions/{id}/events");
            await events.WaitForAsync((type, _) => type == "state", TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(events.Events, e => e.Type == "transcript");
        }
        finally
        {
            await owned.DeleteAsync($"/api/v1/sessions/{id}");
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_problem_answer()
    {
        var (_, key) = await TestApiKeys.CreateAsync(fixture.App, "input");
        using var api = TestApiKeys.Client(fixture.App, key);

        await AssertProblemAsync(await api.PostAsJsonAsync("/api/v1/sessions", new { avatarId = "0123456789abcdef" }), HttpStatusCode.NotFound, "no avatar '0123456789abcdef'");
        await AssertProblemAsync(await api.PostAsJsonAsync("/api/v1/sessions", new { kind = "chat" }), HttpStatusCode.BadRequest, "kind must be");
        await AssertProblemAsync(await api.PostAsJsonAsync("/api/v1/sessions", new { streamUrls = new[] { "http://example.com/live/secret-key" } }), HttpStatusCode.BadRequest, "rtmp://host");
        await AssertProblemAsync(await api.PostAsync("/api/v1/sessions", Json("{\"mode\": ")), HttpStatusCode.BadRequest, "not valid");
        await AssertProblemAsync(await api.PostAsync("/api/v1/sessions", Json("{\"mode\": \"shout\"}")), HttpStatusCode.BadRequest, "$.mode");
        await AssertProblemAsync(await api.PostAsync("/api/v1/sessions", new StringContent("{}", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "application/json");
        await AssertProblemAsync(await api.PostAsync("/api/v1/sessions", Json("{\"persona\": \"" + new string('x', 70_000) + "\"}")), HttpStatusCode.RequestEntityTooLarge, "exceeds");

        var created = await api.PostAsJsonAsync("/api/v1/sessions", new { mode = "echo" });
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        try
        {
            await AssertProblemAsync(await api.PostAsJsonAsync($"/api/v1/sessions/{id}/speak", new { text = "  " }), HttpStatusCode.BadRequest, "empty");
            await AssertProblemAsync(await api.PostAsJsonAsync($"/api/v1/sessions/{id}/speak", new { text = new string('a', 4001) }), HttpStatusCode.BadRequest, "too long");
            await AssertProblemAsync(await api.PostAsync($"/api/v1/sessions/{id}/speak", Json("[1, 2")), HttpStatusCode.BadRequest, "not valid");
            await AssertProblemAsync(await api.PostAsync($"/api/v1/sessions/{id}/speak", Json("")), HttpStatusCode.BadRequest, "needs a JSON body");
            await AssertProblemAsync(await api.PostAsJsonAsync("/api/v1/sessions/nope/speak", new { text = "hi" }), HttpStatusCode.NotFound, "no live session 'nope'");
            Assert.Equal("listening", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")).GetProperty("state").GetString());
        }
        finally
        {
            await api.DeleteAsync($"/api/v1/sessions/{id}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/v1/sessions/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_v1_route()
    {
        using var anonymous = TestApiKeys.Client(fixture.App, null);
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var (method, pattern) in await V1RoutesAsync(fixture.App))
        {
            Assert.True(paths.TryGetProperty(pattern, out var item), $"{pattern} missing from /openapi/v1.json");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {pattern} missing from /openapi/v1.json");
        }
    }

    private static async Task<List<(string Method, string Pattern)>> V1RoutesAsync(AdminApp app)
    {
        using var admin = await app.SignInAsync();
        var routes = await admin.GetFromJsonAsync<JsonElement>("/api/admin/routes");
        return routes.EnumerateArray()
            .Where(r => r.GetProperty("pattern").GetString()!.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(r => r.GetProperty("methods").EnumerateArray().Select(m => (m.GetString()!, r.GetProperty("pattern").GetString()!)))
            .ToList();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST")
        {
            request.Content = Json(path.EndsWith("/speak", StringComparison.Ordinal) ? "{\"text\": \"this must never be spoken\"}" : "{\"mode\": \"echo\"}");
        }

        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{(int)status} '{detailContains}': {response.Content.Headers.ContentType} {body}");
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.Contains(detailContains, detail, StringComparison.OrdinalIgnoreCase);
    }
}
