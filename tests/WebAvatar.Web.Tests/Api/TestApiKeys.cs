using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

/// <summary>API keys made the way an admin makes them (dashboard API, antiforgery header), and clients that send them.</summary>
internal static class TestApiKeys
{
    public static async Task<(int Id, string Secret)> CreateAsync(AdminApp app, string name, string? allowedOrigins = null)
    {
        using var admin = await app.SignInAsync();
        return await AdminSignIn.CreateApiKeyAsync(admin, name, allowedOrigins);
    }

    public static async Task RevokeAsync(AdminApp app, int id)
    {
        using var admin = await app.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(admin);
        (await admin.DeleteAsync($"/api/admin/api-keys/{id}")).EnsureSuccessStatusCode();
    }

    public static HttpClient Client(AdminApp app, string? secret)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (secret is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        return http;
    }
}
