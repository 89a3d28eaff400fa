using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Tests.Api;

public sealed class ApiKeyAuthenticationTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiTestHost.StartAsync();
        _http = _host.Client();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task No_key_is_a_401_problem_saying_how_to_send_one()
    {
        var response = await _http.GetAsync(ApiTestHost.WhoAmI);
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("API key required", problem.GetProperty("title").GetString());
        Assert.Contains("Authorization: Bearer wa_", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Authorization", "Basic dXNlcjpwYXNz", "must be 'Bearer wa_...'")]
    [InlineData("Authorization", "Bearer not-an-api-key", "malformed")]
    [InlineData("Authorization", "Bearer ", "malformed")]
    [InlineData("X-Api-Key", "wa_tooShort", "malformed")]
    [InlineData("X-Api-Key", "wa_0123456789012345678901234567890123456789+/=", "malformed")]
    public async Task Malformed_headers_are_a_401_problem_naming_the_mistake(string header, string value, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiTestHost.WhoAmI);
        request.Headers.TryAddWithoutValidation(header, value);
        var response = await _http.SendAsync(request);
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid API key", problem.GetProperty("title").GetString());
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Unknown_and_revoked_keys_are_refused()
    {
        var unknown = await SendAsync("Authorization", "Bearer wa_" + new string('A', 43));
        Assert.Equal("Unknown API key.", (await ProblemAsync(unknown, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());

        var key = await _host.Keys.CreateAsync("Kiosk", CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("Authorization", "Bearer " + key.Secret)).StatusCode);
        await _host.Keys.RevokeAsync(key.Id, CancellationToken.None);
        var revoked = await SendAsync("Authorization", "Bearer " + key.Secret);
        Assert.Contains("revoked", (await ProblemAsync(revoked, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        var revokedInHeader = await SendAsync("X-Api-Key", key.Secret);
        Assert.Contains("revoked", (await ProblemAsync(revokedInHeader, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_valid_key_in_either_header_authenticates_with_the_key_id_claim()
    {
        var key = await _host.Keys.CreateAsync("Lobby kiosk", CancellationToken.None);
        foreach (var (header, value) in new[] { ("Authorization", "Bearer " + key.Secret), ("Authorization", "bearer " + key.Secret), ("X-Api-Key", key.Secret) })
        {
            var response = await SendAsync(header, value);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var me = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(key.Id, me.GetProperty("keyId").GetInt32());
            Assert.Equal("Lobby kiosk", me.GetProperty("name").GetString());
            Assert.Equal(ApiKeyAuthentication.Scheme, me.GetProperty("scheme").GetString());
        }

        Assert.NotNull((await _host.Keys.ListAsync(CancellationToken.None)).Single().LastUsedUtc);
    }

    [Fact]
    public async Task The_admin_cookie_stays_the_default_scheme_and_a_key_does_not_open_admin_routes()
    {
        var schemes = _host.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Equal(CookieAuthenticationDefaults.AuthenticationScheme, (await schemes.GetDefaultAuthenticateSchemeAsync())!.Name);
        Assert.Equal(CookieAuthenticationDefaults.AuthenticationScheme, (await schemes.GetDefaultChallengeSchemeAsync())!.Name);

        var key = await _host.Keys.CreateAsync("Kiosk", CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiTestHost.AdminOnly);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        var response = await noRedirects.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/admin/login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Options_are_validated_at_start()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiTestHost.StartAsync(requestsPerMinute: 0));
        Assert.Contains("RequestsPerMinute", ex.Message);
    }

    private async Task<HttpResponseMessage> SendAsync(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiTestHost.WhoAmI);
        request.Headers.TryAddWithoutValidation(header, value);
        return await _http.SendAsync(request);
    }

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
