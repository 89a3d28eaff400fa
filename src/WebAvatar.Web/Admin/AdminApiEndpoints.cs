using Microsoft.AspNetCore.Antiforgery;
using WebAvatar.Web.Admin.ApiKeys;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Admin.Broadcasts;
using WebAvatar.Web.Admin.History;
using WebAvatar.Web.Admin.Live;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Admin.Voices;

namespace WebAvatar.Web.Admin;

/// <summary>/api/admin/**: JSON for scripts and tests. Every route here requires the admin role (group policy + gate).</summary>
internal static class AdminApiEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
            Results.Ok(new { header = Auth.AdminAuthorization.AntiforgeryHeader, token = antiforgery.GetAndStoreTokens(http).RequestToken }));

        // Every routed endpoint of the app, so a test can prove that each admin route refuses anonymous callers.
        api.MapGet("/routes", (IEnumerable<EndpointDataSource> sources) => Results.Ok(sources
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => new { pattern = e.RoutePattern.RawText, methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [] })
            .DistinctBy(e => e.pattern + string.Join(",", e.methods))));

        AvatarEndpoints.Map(api);
        ApiKeyAdminEndpoints.Map(api);

        api.MapGet("/voices", async (EspeakVoiceCatalog voices, CancellationToken ct) =>
            Results.Ok(new { voices = await voices.GetVoicesAsync(ct), error = voices.Error }));

        api.MapGet("/streams", async (StreamTargetStore store, CancellationToken ct) => Results.Ok(await store.ListAsync(ct)));
        // Any node's session: its mirror runs on the node that runs it.
        api.MapGet("/streams/status/{sessionId}", async (string sessionId, StreamMirrors mirrors, CancellationToken ct) =>
            Results.Ok(await mirrors.GetStatusAsync(sessionId, ct)));
        api.MapPost("/streams/{targetId:int}/start/{sessionId}", async (int targetId, string sessionId, StreamMirrors mirrors, CancellationToken ct) =>
        {
            try
            {
                var status = await mirrors.StartAsync(sessionId, targetId, ct);
                return status.State == MirrorState.Failed ? Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: status.Detail) : Results.Ok(status);
            }
            catch (StreamTargetNotFoundException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: ex.Message);
            }
        }).AddEndpointFilter<Auth.AntiforgeryHeaderFilter>();
        api.MapPost("/streams/stop/{sessionId}", async (string sessionId, StreamMirrors mirrors, CancellationToken ct) =>
            Results.Ok(await mirrors.StopAsync(sessionId, ct))).AddEndpointFilter<Auth.AntiforgeryHeaderFilter>();

        api.MapGet("/sessions", (LiveSessionMonitor monitor) => Results.Ok(monitor.Snapshot()));
        // Any node's session, whatever holds it.
        api.MapDelete("/sessions/{sessionId}", async (string sessionId, Cluster.Sessions.IClusterDirectory cluster, CancellationToken ct) =>
            await cluster.StopAsync(sessionId, LiveSessionMonitor.StopReason, ct) ? Results.NoContent() : Results.NotFound())
            .AddEndpointFilter<Auth.AntiforgeryHeaderFilter>();

        // Every node of the cluster with its load, and every node's live sessions with the node that runs each.
        api.MapGet("/nodes", async (Cluster.Sessions.ClusterSessions cluster, CancellationToken ct) => Results.Ok(await cluster.DescribeNodesAsync(ct)));

        BroadcastEndpoints.Map(api);

        api.MapGet("/history", async (ChatHistoryStore history, CancellationToken ct) => Results.Ok(await history.ListSessionsAsync(ct)));
        api.MapGet("/history/{sessionId}", async (string sessionId, ChatHistoryStore history, CancellationToken ct) =>
            Results.Ok((await history.GetAsync(sessionId, ct)).Select(m => new { m.Role, m.Text, m.AtUtc })));
    }
}
