using WebAvatar.Web.Api.Sessions;

namespace WebAvatar.Web.Api;

public static class SessionApiExtensions
{
    /// <summary>The public session API's OpenAPI document (/openapi/v1.json). Its API keys and rate limits come with AddAdmin.</summary>
    public static WebApplicationBuilder AddSessionApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}.",
                StatusCodes.Status404NotFound => $"There is no route {context.HttpContext.Request.Path}.",
                _ => null,
            });
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "WebAvatar session API";
            document.Info.Description = "Create avatar sessions, make them speak, follow their events. Send an API key as `Authorization: Bearer wa_...`. Media: WHEP at /api/webrtc/{id}.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// Cross-origin requests of the web widget are checked against the key's allowed origins (<see cref="Widget.WidgetCorsMiddleware"/>).
    /// Answers that the framework gives without a body on /api/v1 (415 from content-type matching, 405, 404 of unknown
    /// routes) get a problem-details body too, so API clients always read a message. Call early in the pipeline.
    /// </summary>
    public static WebApplication UseSessionApi(this WebApplication app)
    {
        app.UseWhen(Widget.WidgetCorsMiddleware.Applies, api => api.UseMiddleware<Widget.WidgetCorsMiddleware>());
        app.UseWhen(context => context.Request.Path.StartsWithSegments(SessionApiEndpoints.Prefix), api => api.UseStatusCodePages());
        return app;
    }

    public static WebApplication MapSessionApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        SessionApiEndpoints.MapSessionApi(app);
        return app;
    }
}
