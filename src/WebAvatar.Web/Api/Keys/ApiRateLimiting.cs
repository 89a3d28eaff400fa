using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Api.Keys;

/// <summary>
/// Policy <see cref="ApiKeyAuthentication.RateLimitPolicy"/>: a token bucket per API key (per client address without one)
/// holding <see cref="ApiOptions.RequestsPerMinute"/> tokens, refilled one at a time at that rate.
/// </summary>
internal static class ApiRateLimiting
{
    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(ApiKeyAuthentication.RateLimitPolicy, context =>
        {
            int perMinute = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestsPerMinute;
            return RateLimitPartition.GetTokenBucketLimiter(PartitionOf(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0,
                // The partitioned limiter refills every bucket from one timer instead of one timer per key or address.
                AutoReplenishment = false,
            });
        });
        limiter.OnRejected = RejectAsync;
    }

    /// <summary>Runs after authorization, so an endpoint requiring <see cref="ApiKeyAuthentication.Policy"/> has the key's principal here.</summary>
    internal static string PartitionOf(HttpContext context) =>
        ApiKeyClaims.GetKeyId(context.User) is { } keyId
            ? "key:" + keyId.ToString(CultureInfo.InvariantCulture)
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        int perMinute = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestsPerMinute;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1) / perMinute;
        int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = ApiKeyClaims.GetKeyId(http.User) is null ? "This client address" : "This API key";
        await ApiProblem.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"{who} is limited to {perMinute} requests a minute (Api:RequestsPerMinute); retry in {seconds} s.");
    }
}
