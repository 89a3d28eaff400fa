using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace WebAvatar.Web.Admin.Auth;

/// <summary>
/// Form posts of the login, first-run setup and logout pages. Binding [FromForm] makes ASP.NET Core
/// validate the antiforgery token the pages render; errors go back to the page as a query code.
/// </summary>
internal static class AccountEndpoints
{
    public const string LoginPath = "/admin/login";
    public const string SetupPath = "/admin/setup";
    public const string LoginPost = "/admin/account/login";
    public const string SetupPost = "/admin/account/setup";
    public const string LogoutPost = "/admin/account/logout";

    /// <summary>Admin paths anyone may reach: the sign-in and first-run pages and their posts.</summary>
    public static readonly string[] Anonymous = [LoginPath, SetupPath, LoginPost, SetupPost];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(LoginPost, LoginAsync).AllowAnonymous();
        app.MapPost(SetupPost, SetupAsync).AllowAnonymous();
        app.MapPost(LogoutPost, LogoutAsync).RequireAuthorization(AdminAuthorization.Policy);
    }

    public sealed class LoginForm
    {
        public string? UserName { get; set; }

        public string? Password { get; set; }

        public string? ReturnUrl { get; set; }
    }

    public sealed class SetupForm
    {
        public string? UserName { get; set; }

        public string? Password { get; set; }

        public string? ConfirmPassword { get; set; }
    }

    private static async Task<IResult> LoginAsync([FromForm] LoginForm form, AdminAccountService accounts, HttpContext http, CancellationToken ct)
    {
        var result = await accounts.CheckPasswordAsync(form.UserName, form.Password, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                await SignInAsync(http, result.UserName!);
                return Results.LocalRedirect(SafeReturnUrl(form.ReturnUrl));
            case SignInOutcome.LockedOut:
                return Results.LocalRedirect($"{LoginPath}?error=locked&until={Uri.EscapeDataString(result.LockedUntilUtc!.Value.ToString("HH:mm 'UTC'"))}");
            default:
                return Results.LocalRedirect($"{LoginPath}?error=invalid");
        }
    }

    private static async Task<IResult> SetupAsync([FromForm] SetupForm form, AdminAccountService accounts, HttpContext http, CancellationToken ct)
    {
        if (await accounts.AnyAdminAsync(ct))
        {
            return Results.LocalRedirect($"{LoginPath}?error=setup-done");
        }

        var problems = AdminAccountService.Validate(form.UserName, form.Password).ToList();
        if (form.Password != form.ConfirmPassword)
        {
            problems.Add("The two passwords differ.");
        }

        if (problems.Count > 0)
        {
            return Results.LocalRedirect($"{SetupPath}?error={Uri.EscapeDataString(string.Join(" ", problems))}");
        }

        if (!await accounts.CreateFirstAdminAsync(form.UserName!, form.Password!, ct))
        {
            return Results.LocalRedirect($"{LoginPath}?error=setup-done");
        }

        await SignInAsync(http, form.UserName!.Trim());
        return Results.LocalRedirect("/admin");
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest(new { error = "The sign-out form expired; reload the page and try again." });
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect(LoginPath);
    }

    private static Task SignInAsync(HttpContext http, string userName)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, AdminOptions.Role)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Only dashboard paths are accepted as return targets (no open redirect).</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith("/admin", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\') && !url.StartsWith(LoginPath, StringComparison.Ordinal) && !url.StartsWith(SetupPath, StringComparison.Ordinal)
            ? url
            : "/admin";
}
