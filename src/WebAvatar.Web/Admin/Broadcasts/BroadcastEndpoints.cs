using WebAvatar.LipSync;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Auth;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>What to say, for <c>POST /api/admin/broadcasts/{id}/speak</c>.</summary>
public sealed record BroadcastSpeakRequest(string? Text, SpeakMode Mode = SpeakMode.SayExactly, bool InterruptCurrent = true);

/// <summary>/api/admin/broadcasts: headless broadcasts. Only sessions of kind Broadcast are reachable here.</summary>
internal static class BroadcastEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var broadcasts = api.MapGroup("/broadcasts");
        broadcasts.MapGet("/", (BroadcastService service) => Results.Ok(service.List()));
        broadcasts.MapGet("/{id}", (string id, BroadcastService service) =>
            service.Find(id) is { } session ? Results.Ok(BroadcastView.Of(session)) : NoBroadcast(id));
        broadcasts.MapPost("/", StartAsync).AddEndpointFilter<AntiforgeryHeaderFilter>();
        broadcasts.MapPost("/{id}/speak", Speak).AddEndpointFilter<AntiforgeryHeaderFilter>();
        broadcasts.MapPost("/{id}/interrupt", (string id, BroadcastService service) =>
            service.Find(id) is null ? NoBroadcast(id) : Results.Ok(service.Execute(id, new InterruptCommand()))).AddEndpointFilter<AntiforgeryHeaderFilter>();
        broadcasts.MapDelete("/{id}", async (string id, BroadcastService service) =>
            await service.StopAsync(id) ? Results.NoContent() : NoBroadcast(id)).AddEndpointFilter<AntiforgeryHeaderFilter>();
    }

    private static async Task<IResult> StartAsync(BroadcastRequest? request, BroadcastService service, CancellationToken cancellationToken)
    {
        try
        {
            var session = await service.StartAsync(request ?? new BroadcastRequest(), cancellationToken);
            return Results.Created($"/api/admin/broadcasts/{session.Id}", BroadcastView.Of(session));
        }
        catch (StreamTargetNotFoundException ex)
        {
            return Problem(StatusCodes.Status404NotFound, ex.Message);
        }
        catch (SessionLimitException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or SessionRequestException or AvatarException)
        {
            return Problem(StatusCodes.Status400BadRequest, BroadcastService.Describe(ex));
        }
    }

    private static IResult Speak(string id, BroadcastSpeakRequest? request, BroadcastService service)
    {
        if (service.Find(id) is not { } session)
        {
            return NoBroadcast(id);
        }

        try
        {
            session.Conversation.ValidateInput(request?.Text);
        }
        catch (ArgumentException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, BroadcastService.Describe(ex));
        }

        var result = session.Execute(new SpeakCommand(request!.Text!, request.Mode, request.InterruptCurrent));
        return result.Accepted ? Results.Accepted(value: result) : Problem(StatusCodes.Status409Conflict, result.Error!);
    }

    private static IResult NoBroadcast(string id) => Problem(StatusCodes.Status404NotFound, $"There is no broadcast '{id}'.");

    private static IResult Problem(int status, string detail) => Results.Problem(statusCode: status, detail: detail);
}
