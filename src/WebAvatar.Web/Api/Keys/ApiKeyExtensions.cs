using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Api.Keys;

public static class ApiKeyExtensions
{
    /// <summary>
    /// API keys for /api/v1: <see cref="ApiKeyStore"/>, the <see cref="ApiKeyAuthentication.Scheme"/> scheme (not the default; the
    /// admin cookie stays that), the <see cref="ApiKeyAuthentication.Policy"/> authorization policy and the
    /// <see cref="ApiKeyAuthentication.RateLimitPolicy"/> rate limit (section "Api"). AddAdmin calls it; it needs the data store.
    /// </summary>
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthentication.Scheme, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(ApiKeyAuthentication.Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthentication.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ApiKeyClaims.KeyId));
        services.AddRateLimiter(ApiRateLimiting.Configure);
        return builder;
    }

    /// <summary>The rate limiter. Must run after UseAuthentication/UseAuthorization so limits are counted per key; UseAdmin calls it.</summary>
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>What every /api/v1 endpoint or group needs: a valid API key (<see cref="ApiKeyAuthentication.Policy"/>) and its rate limit.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ApiKeyAuthentication.Policy).RequireRateLimiting(ApiKeyAuthentication.RateLimitPolicy);
}
