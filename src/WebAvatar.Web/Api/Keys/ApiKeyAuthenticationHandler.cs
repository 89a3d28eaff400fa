using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Api.Keys;

/// <summary>
/// Scheme <see cref="ApiKeyAuthentication.Scheme"/>: authenticates "Authorization: Bearer wa_..." or "X-Api-Key: wa_..."
/// against <see cref="ApiKeyStore"/>; refusals are 401 problem-details saying what is wrong.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string Bearer = "Bearer";
    private const string Realm = "Bearer realm=\"WebAvatar API\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (secret, problem) = ReadSecret(Request.Headers);
        if (problem is not null)
        {
            return AuthenticateResult.Fail(problem);
        }

        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeySecret.IsWellFormed(secret))
        {
            return AuthenticateResult.Fail("The API key is malformed: keys are 'wa_' followed by 43 letters, digits, '-' or '_'.");
        }

        var check = await store.CheckAsync(secret, Context.RequestAborted);
        switch (check.Outcome)
        {
            case ApiKeyCheckOutcome.Valid:
                var identity = new ClaimsIdentity(
                    [
                        new Claim(ApiKeyClaims.KeyId, check.KeyId!.Value.ToString(CultureInfo.InvariantCulture)),
                        new Claim(ClaimTypes.Name, check.Name!),
                    ],
                    Scheme.Name);
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
            case ApiKeyCheckOutcome.Revoked:
                LogRevokedKeyUsed(Logger, check.KeyId!.Value, check.Name!);
                return AuthenticateResult.Fail("This API key has been revoked; ask an administrator for a new one.");
            default:
                return AuthenticateResult.Fail("Unknown API key.");
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = result.Failure is null ? Realm : Realm + ", error=\"invalid_token\"";
        if (result.Failure is { } failure)
        {
            await ApiProblem.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Invalid API key", failure.Message);
            return;
        }

        await ApiProblem.WriteAsync(Context, StatusCodes.Status401Unauthorized, "API key required",
            $"Send an API key as 'Authorization: Bearer wa_...' or in the {ApiKeyAuthentication.ApiKeyHeader} header; administrators create keys at /admin/api-keys.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblem.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "This API key may not use this endpoint.");

    /// <summary>The presented secret (null when none was sent), or why the headers cannot carry one.</summary>
    internal static (string? Secret, string? Problem) ReadSecret(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization;
        if (authorization.Count > 0)
        {
            if (authorization.Count > 1)
            {
                return (null, "Send one Authorization header.");
            }

            var parts = (authorization[0] ?? string.Empty).Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length > 0 && parts[0].Equals(Bearer, StringComparison.OrdinalIgnoreCase))
            {
                return (parts.Length > 1 ? parts[1] : string.Empty, null);
            }

            // A proxy in front may use Authorization for itself (Basic); the key can still come in X-Api-Key.
            if (headers[ApiKeyAuthentication.ApiKeyHeader].Count == 0)
            {
                return (null, "The Authorization header must be 'Bearer wa_...' (or send the key in the X-Api-Key header).");
            }
        }

        var apiKey = headers[ApiKeyAuthentication.ApiKeyHeader];
        return apiKey.Count switch
        {
            0 => (null, null),
            1 => ((apiKey[0] ?? string.Empty).Trim(), null),
            _ => (null, $"Send one {ApiKeyAuthentication.ApiKeyHeader} header."),
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revoked API key {KeyId} '{Name}' was used")]
    private static partial void LogRevokedKeyUsed(ILogger logger, int keyId, string name);
}
