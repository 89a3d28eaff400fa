using Microsoft.AspNetCore.Hosting;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// GET /obs/{id}: a page with only the session's avatar on a transparent background, for OBS's Browser Source. Like WHEP, the
/// session id is the capability; an id that is not live answers 404 with a line OBS shows.
/// </summary>
internal static class ObsSourceEndpoint
{
    public static IEndpointRouteBuilder MapObsSource(this IEndpointRouteBuilder app)
    {
        app.MapGet("/obs/{id}", (string id, SessionRegistry registry, IWebHostEnvironment environment) =>
            registry.Find(id) is { IsClosed: false }
                ? Results.File(environment.WebRootFileProvider.GetFileInfo("obs.html").CreateReadStream(), "text/html; charset=utf-8")
                : Results.Text($"No live session {id}: start a broadcast (dashboard or API) and use its id.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound))
            .ExcludeFromDescription();
        return app;
    }
}
