using WebAvatar.Web.Api.Sessions;

namespace WebAvatar.Web.Api;

public static class SessionApiExtensions
{
    /// <summary>The public session API: API keys, rate limits and its OpenAPI document (/openapi/v1.json).</summary>
    public static WebApplicationBuilder AddSessionApi(this WebApplicationBuilder builder)
    {
        builder.AddApiKeys();
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "WebAvatar session API";
            document.Info.Description = "Create avatar sessions, make them speak, follow their events. Send an API key as `Authorization: Bearer wa_...`. Media: WHEP at /api/webrtc/{id}.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapSessionApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        SessionApiEndpoints.MapSessionApi(app);
        return app;
    }
}
