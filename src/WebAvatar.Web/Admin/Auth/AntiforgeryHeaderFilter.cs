using Microsoft.AspNetCore.Antiforgery;

namespace WebAvatar.Web.Admin.Auth;

/// <summary>
/// Mutating admin API calls ride on the admin's cookie, so they must also prove they come from our own pages
/// or a script that fetched a token: <c>GET /api/admin/antiforgery</c>, then send it in the X-CSRF-TOKEN header.
/// </summary>
internal sealed class AntiforgeryHeaderFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        if (!http.Request.Headers.ContainsKey(AdminAuthorization.AntiforgeryHeader) || !await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                detail: $"Missing or invalid anti-forgery token: GET /api/admin/antiforgery and send it in the {AdminAuthorization.AntiforgeryHeader} header.");
        }

        return await next(context);
    }
}
