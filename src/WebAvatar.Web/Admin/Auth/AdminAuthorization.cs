using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace WebAvatar.Web.Admin.Auth;

/// <summary>
/// Cookie sign-in for the dashboard and a gate in front of every /admin and /api/admin path, so that a
/// newly added page or endpoint is protected even if its author forgets [Authorize].
/// </summary>
internal static class AdminAuthorization
{
    public const string Policy = "AdminOnly";

    /// <summary>Header carrying the antiforgery token on API calls that are not plain forms (uploads).</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static void AddServices(IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "WebAvatar.Admin";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = AccountEndpoints.LoginPath;
                cookie.AccessDeniedPath = AccountEndpoints.LoginPath;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context => RefuseApiOrRedirect(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => RefuseApiOrRedirect(context, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.RequireRole(AdminOptions.Role));
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(antiforgery => antiforgery.HeaderName = AntiforgeryHeader);
    }

    /// <summary>Runs after authentication: refuses unauthenticated requests to any admin path not listed as anonymous.</summary>
    public static async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        bool isApi = path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase);
        bool isPage = path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase);
        if ((isApi || isPage) && !IsAnonymous(path) && !context.User.IsInRole(AdminOptions.Role))
        {
            if (isApi || !HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { error = "Sign in as an administrator first (POST /admin/account/login)." });
                return;
            }

            context.Response.Redirect($"{AccountEndpoints.LoginPath}?ReturnUrl={Uri.EscapeDataString(path + context.Request.QueryString)}");
            return;
        }

        await next(context);
    }

    private static bool IsAnonymous(PathString path) =>
        AccountEndpoints.Anonymous.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    private static Task RefuseApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
