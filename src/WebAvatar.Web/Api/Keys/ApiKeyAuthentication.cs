namespace WebAvatar.Web.Api.Keys;

/// <summary>Names under which API-key authentication, its authorization policy and its rate limit are registered (see <see cref="ApiKeyExtensions"/>).</summary>
public static class ApiKeyAuthentication
{
    /// <summary>Authentication scheme reading "Authorization: Bearer wa_..." or "X-Api-Key: wa_...". Never the default scheme: the admin cookie is.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>Authorization policy: authenticated through <see cref="Scheme"/> with a valid, unrevoked key.</summary>
    public const string Policy = "ApiClient";

    /// <summary>Rate-limiter policy partitioned by API key (by client address when there is none), limits from section "Api".</summary>
    public const string RateLimitPolicy = "ApiClientRate";

    public const string ApiKeyHeader = "X-Api-Key";
}
