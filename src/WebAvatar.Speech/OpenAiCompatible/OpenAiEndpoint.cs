using System.Net.Http.Headers;

namespace WebAvatar.Speech.OpenAiCompatible;

/// <summary>URL and error helpers shared by the OpenAI-compatible speech clients.</summary>
internal static class OpenAiEndpoint
{
    /// <summary>Joins the configured root with an API path: "http://h:1" or "http://h:1/v1" + "audio/speech" -> "http://h:1/v1/audio/speech".</summary>
    public static Uri Combine(string? endpoint, string path, string settingName)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var root) || (root.Scheme != "http" && root.Scheme != "https"))
        {
            throw new ArgumentException($"{settingName} must be an absolute http(s) URL such as http://localhost:8880 (got '{endpoint}').");
        }

        string baseUrl = root.ToString().TrimEnd('/');
        if (!baseUrl.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            baseUrl += "/v1";
        }

        return new Uri(baseUrl + "/" + path);
    }

    public static void Authorize(HttpRequestMessage request, string? apiKey)
    {
        if (!string.IsNullOrWhiteSpace(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <summary>Throws an <see cref="HttpRequestException"/> carrying the start of the server's error body.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length > 500)
        {
            body = body[..500] + "...";
        }

        throw new HttpRequestException($"Speech server {url} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
    }
}
