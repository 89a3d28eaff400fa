using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.Cluster.Sessions;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Api.Sessions;

/// <summary>
/// The public, versioned session API (/api/v1): create, list, get and delete sessions, make them speak or stop, and follow
/// their events (Server-Sent Events). Every route needs an API key; a key sees only the sessions it created (others answer
/// 404, as if they did not exist). Media stays on WHEP (/api/webrtc/{id}).
/// </summary>
public static class SessionApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix)
            .RequireApiKey()
            .DisableAntiforgery()
            .WithTags("Sessions");

        api.MapGet("/avatars", ListAvatarsAsync)
            .WithSummary("Avatars a session may use (ready ones).").Produces<AvatarChoice[]>();
        api.MapPost("/sessions", CreateAsync)
            .WithSummary("Create a session (kind api or broadcast).")
            .Accepts<CreateSessionRequest>("application/json").Produces<SessionView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/sessions", ListAsync).WithSummary("This key's live sessions.").Produces<SessionView[]>();
        api.MapGet("/sessions/{id}", GetAsync).WithSummary("One session.").Produces<SessionView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/sessions/{id}", DeleteAsync).WithSummary("End a session (its RTMP streams stop).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/sessions/{id}/speak", SpeakAsync)
            .WithSummary("Say a line exactly, or ask the LLM; interrupt-current replaces what is being said.")
            .Accepts<SpeakRequest>("application/json").Produces<CommandAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/sessions/{id}/interrupt", InterruptAsync).WithSummary("Stop the avatar now.")
            .Produces<CommandAccepted>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/sessions/{id}/keepalive", KeepAliveAsync).WithSummary("Renew this client's hold on an api session.")
            .Produces<SessionView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/sessions/{id}/events", SessionEventStream.StreamAsync)
            .WithSummary("Server-Sent Events: state, transcript (partial and final), stage timings, barge-in, errors, ended. Holds the session while open.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static IResult NotFound(string id) =>
        ApiJson.Problem(StatusCodes.Status404NotFound, "Unknown session", $"There is no live session '{id}' for this API key.");

    /// <summary>The API key's owner name: a key sees only the sessions it created.</summary>
    public static string KeyOf(ClaimsPrincipal user) =>
        SessionOwner.ForApiKey(ApiKeyClaims.GetKeyId(user) ?? throw new InvalidOperationException("An API route ran without an API key."));

    private static async Task<IResult> ListAvatarsAsync(IDbContextFactory<WebAvatarDbContext> db, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var avatars = await context.Avatars.AsNoTracking().Where(a => a.Status == AvatarStatus.Ready).OrderBy(a => a.Name).ToListAsync(cancellationToken);
        return ApiJson.Ok(avatars.Select(a => new AvatarChoice(a.Id, a.Name, a.IsDefault, a.Voice.VoiceId, a.LipSyncEngine)).ToList());
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, ClusterSessions sessions, StreamTargetStore targets, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiJson.ReadAsync(request, new CreateSessionRequest(), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var kind = body!.Kind ?? SessionKind.Api;
        if (kind == SessionKind.Chat)
        {
            return ApiJson.Problem(StatusCodes.Status400BadRequest, "Invalid kind", "kind must be \"api\" or \"broadcast\" (chat sessions belong to the chat page).");
        }

        var mirrors = new List<MirrorTarget>();
        foreach (var targetId in body.StreamTargetIds ?? [])
        {
            var target = await targets.GetWithKeyAsync(targetId, cancellationToken);
            if (target is null)
            {
                return ApiJson.Problem(StatusCodes.Status404NotFound, "Unknown stream target", $"There is no stream target {targetId}.");
            }

            mirrors.Add(new MirrorTarget(StreamMirrors.PublishUrl(target.RtmpUrl, target.StreamKey), target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach (var url in body.StreamUrls ?? [])
        {
            try
            {
                Media.Rtmp.RtmpTarget.Parse(url);
            }
            catch (ArgumentException)
            {
                // The parser's message quotes the URL and its key: answer without it.
                return ApiJson.Problem(StatusCodes.Status400BadRequest, "Invalid stream URL", "Each streamUrls entry must look like rtmp://host[:port]/app/streamkey.");
            }

            mirrors.Add(new MirrorTarget(url));
        }

        try
        {
            var spec = new SessionSpec(kind, body.Mode ?? SessionMode.Chat, body.AvatarId, body.VoiceId, body.Persona, KeyOf(user), mirrors);
            var session = await sessions.CreateAsync(spec, cancellationToken);
            return Results.Json(session, SessionJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (ClusterFullException ex)
        {
            return ApiJson.Problem(StatusCodes.Status503ServiceUnavailable, "No free session slot", ex.Message);
        }
        catch (SessionRefusedException ex) when (ex.Reason == SessionRefusal.UnknownAvatar)
        {
            return ApiJson.Problem(StatusCodes.Status404NotFound, "Unknown avatar", ex.Message);
        }
        catch (SessionRefusedException ex)
        {
            return ApiJson.Problem(StatusCodes.Status400BadRequest, "Avatar not usable", ex.Message);
        }
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, ClusterSessions sessions, CancellationToken cancellationToken) =>
        ApiJson.Ok(await sessions.ListAsync(KeyOf(user), cancellationToken));

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ClusterSessions sessions) =>
        sessions.Session(id) is { } grain && await grain.DescribeAsync(KeyOf(user)) is { } view ? ApiJson.Ok(view) : NotFound(id);

    private static async Task<IResult> DeleteAsync(string id, ClaimsPrincipal user, ClusterSessions sessions) =>
        sessions.Session(id) is { } grain && await grain.CloseAsync(KeyOf(user), "deleted by its API client") ? Results.NoContent() : NotFound(id);

    private static async Task<IResult> SpeakAsync(string id, HttpRequest request, ClaimsPrincipal user, ClusterSessions sessions, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiJson.ReadAsync<SpeakRequest>(request, null, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (sessions.Session(id) is not { } grain
            || await grain.ExecuteAsync(KeyOf(user), new SpeakCommand(body!.Text ?? string.Empty, body.Mode, body.InterruptCurrent)) is not { } result)
        {
            return NotFound(id);
        }

        return result.Accepted
            ? ApiJson.Ok(new CommandAccepted(result.ReplyId, result.ReplyId is null), StatusCodes.Status202Accepted)
            : ApiJson.Problem(StatusCodes.Status400BadRequest, "Not spoken", result.Error ?? "The line was refused.");
    }

    private static async Task<IResult> InterruptAsync(string id, ClaimsPrincipal user, ClusterSessions sessions)
    {
        if (sessions.Session(id) is not { } grain || await grain.ExecuteAsync(KeyOf(user), new InterruptCommand()) is not { } result)
        {
            return NotFound(id);
        }

        return result.Accepted
            ? ApiJson.Ok(new CommandAccepted(null, false), StatusCodes.Status202Accepted)
            : ApiJson.Problem(StatusCodes.Status409Conflict, "Not interrupted", result.Error ?? "Refused.");
    }

    private static async Task<IResult> KeepAliveAsync(string id, ClaimsPrincipal user, ClusterSessions sessions) =>
        sessions.Session(id) is { } grain && await grain.KeepAliveAsync(KeyOf(user)) is { } view ? ApiJson.Ok(view) : NotFound(id);
}
