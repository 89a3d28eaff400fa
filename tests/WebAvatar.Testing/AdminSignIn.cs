using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebAvatar.Testing;

/// <summary>What an admin does over HTTP, the way the dashboard does it: the login form with its antiforgery token, API keys.</summary>
public static partial class AdminSignIn
{
    /// <summary>Posts the login form (antiforgery token from the page) with <paramref name="http"/>'s cookies; the answer is returned as is.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string user, string password, CancellationToken cancellationToken = default)
    {
        var page = await http.GetStringAsync("/admin/login", cancellationToken);
        var token = TokenField().Match(page).Groups[1].Value;
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidOperationException("The login page rendered no antiforgery token.");
        }

        return await http.PostAsync("/admin/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["UserName"] = user,
            ["Password"] = password,
            ["ReturnUrl"] = "/admin",
        }), cancellationToken);
    }

    /// <summary>Adds the X-CSRF-TOKEN header the admin API's writes need.</summary>
    public static async Task AddAntiforgeryHeaderAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/admin/antiforgery", cancellationToken));
        http.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        http.DefaultRequestHeaders.Add("X-CSRF-TOKEN", doc.RootElement.GetProperty("token").GetString());
    }

    /// <summary>Creates an API key through the admin API of a signed-in <paramref name="admin"/> client; returns its id and secret.</summary>
    public static async Task<(int Id, string Secret)> CreateApiKeyAsync(HttpClient admin, string name, string? allowedOrigins = null, CancellationToken cancellationToken = default)
    {
        await AddAntiforgeryHeaderAsync(admin, cancellationToken);
        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name, allowedOrigins }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (created.GetProperty("id").GetInt32(), created.GetProperty("secret").GetString()!);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    public static partial Regex TokenField();
}
