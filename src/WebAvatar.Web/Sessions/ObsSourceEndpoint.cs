using Microsoft.AspNetCore.Hosting;
using WebAvatar.Cluster.Sessions;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// GET /obs/{id}: a page with only the session's avatar on a transparent background, for OBS's Browser Source (the session
/// may run on any node: the page's media comes from there). Like WHEP, the
/// session id is the capability; an id that is not live answers 404 with a line OBS shows.
/// </summary>
internal static class ObsSourceEndpoint
{
    public static IEndpointRouteBuilder MapObsSource(this IEndpointRouteBuilder app)
    {
        app.MapGet("/obs/{id}", async (string id, ClusterSessions sessions, IWebHostEnvironment environment) =>
            sessions.Session(id) is { } grain && await grain.GetOwnerAsync() is not null
                ? Results.File(environment.WebRootFileProvider.GetFileInfo("obs.html").CreateReadStream(), "text/html; charset=utf-8")
                : Results.Text($"No live session {id}: start a broadcast (dashboard or API) and use its id.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound))
            .ExcludeFromDescription();
        return app;
    }
}
