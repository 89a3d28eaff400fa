using System.Net;
using System.Net.Http.Headers;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Tests.Api;

public class ApiRateLimitTests
{
    [Fact]
    public async Task Each_key_gets_its_own_bucket_and_is_told_when_to_retry()
    {
        await using var host = await ApiTestHost.StartAsync(requestsPerMinute: 3);
        using var http = host.Client();
        var kiosk = await host.Keys.CreateAsync("Kiosk", CancellationToken.None);
        var widget = await host.Keys.CreateAsync("Widget", CancellationToken.None);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, kiosk)).StatusCode);
        }

        var limited = await GetAsync(http, kiosk);
        var problem = await ApiKeyAuthenticationTests.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.Contains("This API key is limited to 3 requests a minute", problem.GetProperty("detail").GetString());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 20);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, widget)).StatusCode);
        // Refused callers are answered before the limiter and do not use up a key's requests.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(ApiTestHost.WhoAmI)).StatusCode);
    }

    [Fact]
    public void Callers_are_partitioned_by_key_then_by_address()
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        Assert.Equal("ip:192.0.2.7", ApiRateLimiting.PartitionOf(http));
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(ApiKeyClaims.KeyId, "42")], ApiKeyAuthentication.Scheme));
        Assert.Equal("key:42", ApiRateLimiting.PartitionOf(http));
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, CreatedApiKey key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, ApiTestHost.WhoAmI);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        return http.SendAsync(request);
    }
}
