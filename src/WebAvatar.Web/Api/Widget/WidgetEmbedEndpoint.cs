using System.Text.Encodings.Web;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Api.Widget;

/// <summary>
/// GET /embed?key=wa_...: the web widget as a page of its own, for sites that embed with an iframe instead of the script tag. The
/// key's allowed origins become the page's <c>frame-ancestors</c>, so browsers show it only inside pages of those sites (the
/// script tag is held to the same list by CORS). The page itself talks to this server from this server's origin.
/// </summary>
internal static class WidgetEmbedEndpoint
{
    public static IEndpointRouteBuilder MapWidgetEmbed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/embed", RenderAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(HttpContext http, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        string? key = query["key"];
        if (string.IsNullOrWhiteSpace(key))
        {
            return Refuse("Add ?key=wa_... : an API key whose allowed origins list the site that embeds this page.", StatusCodes.Status400BadRequest);
        }

        var check = await keys.CheckAsync(key, cancellationToken);
        if (check.Outcome != ApiKeyCheckOutcome.Valid)
        {
            return Refuse(check.Outcome == ApiKeyCheckOutcome.Revoked ? "This API key has been revoked." : "This API key is not known here.", StatusCodes.Status401Unauthorized);
        }

        var origins = AllowedOrigins.Parse(await keys.AllowedOriginsAsync(key, null, cancellationToken));
        http.Response.Headers.ContentSecurityPolicy = "frame-ancestors " + (origins.Count == 0 ? "'none'" : string.Join(' ', origins));
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(Page(key, query["avatar"], query["mode"], query["title"]), "text/html; charset=utf-8");
    }

    private static string Page(string key, string? avatar, string? mode, string? title)
    {
        var html = HtmlEncoder.Default;
        string Attribute(string name, string? value) => string.IsNullOrWhiteSpace(value) ? string.Empty : $" data-{name}=\"{html.Encode(value)}\"";
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>{{html.Encode(string.IsNullOrWhiteSpace(title) ? "Avatar" : title)}}</title>
              <style>html, body { margin: 0; height: 100%; background: transparent; }</style>
            </head>
            <body>
              <script src="/widget.js" data-layout="fill"{{Attribute("key", key)}}{{Attribute("avatar", avatar)}}{{Attribute("mode", mode)}}{{Attribute("title", title)}}></script>
            </body>
            </html>
            """;
    }

    private static IResult Refuse(string message, int status) => Results.Text(message, "text/plain; charset=utf-8", statusCode: status);
}
