using WebAvatar.Cluster.Sessions;
using WebAvatar.Web.Api.Keys;
using WebAvatar.Web.Api.Sessions;

namespace WebAvatar.Web.Api.Widget;

/// <summary>
/// Cross-origin use of the session API and WHEP, which the web widget makes from other sites' pages. A request from another
/// origin is served only when the API key behind it (the presented key on /api/v1, the key that created the session on
/// /api/webrtc) lists that origin; otherwise it is refused with a message the widget shows. Preflights are answered for any
/// origin (they carry no key); same-origin and non-browser requests (no Origin header) pass untouched.
/// </summary>
internal sealed class WidgetCorsMiddleware(RequestDelegate next)
{
    private const string WebRtcPrefix = "/api/webrtc";
    private const string AllowedMethods = "GET, POST, PATCH, DELETE, OPTIONS";
    private const string AllowedHeaders = "authorization, content-type, x-api-key";

    public static bool Applies(HttpContext context) =>
        context.Request.Path.StartsWithSegments(SessionApiEndpoints.Prefix) || context.Request.Path.StartsWithSegments(WebRtcPrefix);

    public async Task InvokeAsync(HttpContext context, ApiKeyStore keys, ClusterSessions sessions)
    {
        var request = context.Request;
        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin) || IsSameOrigin(request, origin))
        {
            await next(context);
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            headers.AccessControlAllowMethods = AllowedMethods;
            headers.AccessControlAllowHeaders = AllowedHeaders;
            headers.AccessControlMaxAge = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        headers.AccessControlExposeHeaders = "Location, " + WebAvatar.Transport.WebRtc.Signalling.WebRtcEndpoints.VideoLayoutHeader;
        var (allowed, keyed) = await IsAllowedAsync(context, origin, keys, sessions);
        if (!allowed && keyed)
        {
            await ApiProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed",
                $"Pages on {origin} may not use this API key. An administrator can add {origin} to the key's allowed origins (Admin > API keys).");
            return;
        }

        await next(context); // no key presented or no such session: the endpoint answers (401, 404) as for anyone
    }

    /// <summary>Whether the origin may go on, and whether a key (or a keyed session) was found to judge it by.</summary>
    private static async Task<(bool Allowed, bool Keyed)> IsAllowedAsync(HttpContext context, string origin, ApiKeyStore keys, ClusterSessions sessions)
    {
        var cancellationToken = context.RequestAborted;
        if (context.Request.Path.StartsWithSegments(SessionApiEndpoints.Prefix))
        {
            var (secret, _) = ApiKeyAuthenticationHandler.ReadSecret(context.Request.Headers);
            if (!ApiKeySecret.IsWellFormed(secret))
            {
                return (false, false);
            }

            var stored = await keys.AllowedOriginsAsync(secret, null, cancellationToken);
            return (AllowedOrigins.Allows(stored, origin), true);
        }

        // /api/webrtc/{session}[/...]: the script itself is loaded by <script> tags, which need no permission.
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3 || segments[2].EndsWith(".js", StringComparison.Ordinal))
        {
            return (true, false);
        }

        // The session may run on another node: its grain knows who made it.
        if (sessions.Session(segments[2]) is not { } grain || await grain.GetOwnerAsync() is not { } owner)
        {
            return (false, false);
        }

        // Only sessions made with a key can be watched from another site, and only from that key's origins.
        if (!SessionOwner.TryParseApiKey(owner, out int keyId))
        {
            return (false, true);
        }

        return (AllowedOrigins.Allows(await keys.AllowedOriginsAsync(null, keyId, cancellationToken), origin), true);
    }

    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
}
