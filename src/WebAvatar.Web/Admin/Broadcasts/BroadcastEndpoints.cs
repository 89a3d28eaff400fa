using WebAvatar.Cluster.Sessions;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>What to say, for <c>POST /api/admin/broadcasts/{id}/speak</c>.</summary>
public sealed record BroadcastSpeakRequest(string? Text, SpeakMode Mode = SpeakMode.SayExactly, bool InterruptCurrent = true);

/// <summary>/api/admin/broadcasts: headless broadcasts on every node of the cluster. Only sessions of kind Broadcast are reachable here.</summary>
internal static class BroadcastEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var broadcasts = api.MapGroup("/broadcasts");
        broadcasts.MapGet("/", async (BroadcastService service, CancellationToken ct) => Results.Ok(await service.ListAsync(ct)));
        broadcasts.MapGet("/{id}", async (string id, BroadcastService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } broadcast ? Results.Ok(broadcast) : NoBroadcast(id));
        broadcasts.MapPost("/", StartAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        broadcasts.MapPost("/{id}/speak", SpeakAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        broadcasts.MapPost("/{id}/interrupt", InterruptAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        broadcasts.MapDelete("/{id}", async (string id, BroadcastService service, CancellationToken ct) =>
            await service.StopAsync(id, ct) ? Results.NoContent() : NoBroadcast(id)).AddEndpointFilter<AntiforgeryHeaderFilter>();
    }

    private static async Task<IResult> StartAsync(BroadcastRequest? request, BroadcastService service, CancellationToken cancellationToken)
    {
        try
        {
            var broadcast = await service.StartAsync(request ?? new BroadcastRequest(), cancellationToken);
            return Results.Created($"/api/admin/broadcasts/{broadcast.Id}", broadcast);
        }
        catch (StreamTargetNotFoundException ex)
        {
            return Problem(StatusCodes.Status404NotFound, ex.Message);
        }
        catch (ClusterFullException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or SessionRefusedException)
        {
            return Problem(StatusCodes.Status400BadRequest, BroadcastService.Describe(ex));
        }
    }

    private static async Task<IResult> SpeakAsync(string id, BroadcastSpeakRequest? request, BroadcastService service, CancellationToken cancellationToken)
    {
        // The session checks the line (empty, too long, too many waiting) and says why it refused it.
        var command = new SpeakCommand(request?.Text ?? string.Empty, request?.Mode ?? SpeakMode.SayExactly, request?.InterruptCurrent ?? true);
        return await service.ExecuteAsync(id, command, cancellationToken) switch
        {
            null => NoBroadcast(id),
            { Accepted: true } result => Results.Accepted(value: result),
            var refused => Problem(StatusCodes.Status400BadRequest, refused.Error ?? "The line was refused."),
        };
    }

    private static async Task<IResult> InterruptAsync(string id, BroadcastService service, CancellationToken cancellationToken) =>
        await service.ExecuteAsync(id, new InterruptCommand(), cancellationToken) switch
        {
            null => NoBroadcast(id),
            { Accepted: true } result => Results.Ok(result),
            var refused => Problem(StatusCodes.Status409Conflict, refused.Error ?? "Refused."),
        };

    private static IResult NoBroadcast(string id) => Problem(StatusCodes.Status404NotFound, $"There is no broadcast '{id}'.");

    private static IResult Problem(int status, string detail) => Results.Problem(statusCode: status, detail: detail);
}
