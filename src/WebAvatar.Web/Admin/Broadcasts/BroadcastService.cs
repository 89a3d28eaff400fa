using WebAvatar.Cluster.Sessions;
using WebAvatar.Media.Rtmp;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>
/// Headless broadcasts for the dashboard and the admin API: sessions of kind <see cref="SessionKind.Broadcast"/>, which
/// hold themselves until stopped and so run with no browser at all. They are cluster sessions like any other: started on
/// whichever node has room, listed from every node and driven through their grains, so any node's dashboard reaches all of
/// them. Only broadcasts are reachable through it.
/// </summary>
public sealed partial class BroadcastService(ClusterSessions sessions, StreamTargetStore targets, ILogger<BroadcastService> logger)
{
    /// <summary>The owner recorded on broadcasts started from the dashboard or the admin API.</summary>
    public const string Owner = "admin";

    /// <summary>Every node's running broadcasts, oldest first (a node that does not answer in 2 s is left out).</summary>
    public async Task<IReadOnlyList<BroadcastView>> ListAsync(CancellationToken cancellationToken) =>
        (await sessions.ListAsync(null, cancellationToken)).Where(IsBroadcast).Select(BroadcastView.Of).ToList();

    /// <summary>The running broadcast <paramref name="id"/>, on whichever node; null for any other session, or none.</summary>
    public async Task<BroadcastView?> FindAsync(string id, CancellationToken cancellationToken) =>
        sessions.Session(id) is { } grain && await grain.DescribeAsync(null).WaitAsync(cancellationToken) is { } view && IsBroadcast(view)
            ? BroadcastView.Of(view)
            : null;

    /// <summary>
    /// Starts a broadcast mirroring to the chosen targets, on the node with the most free slots. Throws
    /// <see cref="ArgumentException"/> (a field), <see cref="StreamTargetNotFoundException"/>, <see cref="ClusterFullException"/>
    /// (no node has a free slot) or <see cref="SessionRefusedException"/> (the avatar does not exist or cannot be used).
    /// </summary>
    public async Task<BroadcastView> StartAsync(BroadcastRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        var chosen = new List<MirrorTarget>();
        foreach (var id in (request.TargetIds ?? []).Distinct())
        {
            var target = await targets.GetWithKeyAsync(id, cancellationToken) ?? throw new StreamTargetNotFoundException(id);
            var url = StreamMirrors.PublishUrl(target.RtmpUrl, target.StreamKey);
            try
            {
                RtmpTarget.Parse(url);
            }
            catch (ArgumentException)
            {
                // The parser's message would not say which target; this one does, with the key masked.
                throw new ArgumentException($"Stream target '{target.Name}' has no usable publish URL ({RtmpTarget.Mask(url)}); fix it under Stream targets.");
            }

            // The label lets every dashboard show which stream target a mirror belongs to.
            chosen.Add(new MirrorTarget(url, target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var session = await sessions.CreateAsync(
            new SessionSpec(
                SessionKind.Broadcast,
                request.Mode ?? SessionMode.Chat,
                NullIfBlank(request.AvatarId),
                NullIfBlank(request.VoiceId),
                NullIfBlank(request.PersonaPrompt),
                Owner,
                chosen),
            cancellationToken);
        LogStarted(logger, session.Id, session.Node, session.AvatarName, chosen.Count);
        return BroadcastView.Of(session);
    }

    /// <summary>
    /// Sends a command to broadcast <paramref name="id"/>, wherever it runs: the session's answer (a refusal says why, such as
    /// an empty line), or null when there is no such broadcast.
    /// </summary>
    public async Task<CommandResult?> ExecuteAsync(string id, SessionCommand command, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken) is null ? null : await sessions.Session(id)!.ExecuteAsync(null, command).WaitAsync(cancellationToken);

    /// <summary>Stops broadcast <paramref name="id"/> on its node (its mirrors finish their streams). False when there is no such broadcast.</summary>
    public async Task<bool> StopAsync(string id, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is null
            || !await sessions.Session(id)!.CloseAsync(null, "broadcast stopped by the admin").WaitAsync(cancellationToken))
        {
            return false;
        }

        LogStopped(logger, id);
        return true;
    }

    /// <summary>An error's message for people (an <see cref="ArgumentException"/>'s without its parameter-name suffix).</summary>
    public static string Describe(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
            : exception.Message;

    private static bool IsBroadcast(SessionView session) => session.Kind == SessionKind.Broadcast;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broadcast {SessionId} started on node {Node} (avatar {Avatar}, {Targets} stream target(s))")]
    private static partial void LogStarted(ILogger logger, string sessionId, string node, string? avatar, int targets);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broadcast {SessionId} stopped by the admin")]
    private static partial void LogStopped(ILogger logger, string sessionId);
}
