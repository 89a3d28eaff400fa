using System.Globalization;
using WebAvatar.Media.Rtmp;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>
/// Headless broadcasts for the dashboard and the admin API: sessions of kind <see cref="SessionKind.Broadcast"/>, which
/// hold themselves until stopped and so run with no browser at all. Only broadcasts are reachable through it.
/// </summary>
public sealed partial class BroadcastService(SessionRegistry registry, StreamTargetStore targets, ILogger<BroadcastService> logger)
{
    /// <summary>The owner recorded on broadcasts started from the dashboard or the admin API.</summary>
    public const string Owner = "admin";

    /// <summary>Running broadcasts, oldest first.</summary>
    public IReadOnlyList<BroadcastView> List() =>
        registry.Sessions.Where(IsBroadcast).OrderBy(s => s.CreatedAt).Select(BroadcastView.Of).ToList();

    /// <summary>The running broadcast <paramref name="id"/>; null for any other session, or none.</summary>
    public LiveSession? Find(string id) => registry.Find(id) is { } session && IsBroadcast(session) ? session : null;

    /// <summary>
    /// Starts a broadcast mirroring to the chosen targets. Throws <see cref="ArgumentException"/> (a field),
    /// <see cref="StreamTargetNotFoundException"/>, <see cref="SessionLimitException"/> (no free slot),
    /// <see cref="SessionRequestException"/> or <see cref="LipSync.AvatarException"/> (the avatar cannot be used).
    /// </summary>
    public async Task<LiveSession> StartAsync(BroadcastRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        var chosen = new List<(int TargetId, string Url)>();
        foreach (var id in (request.TargetIds ?? []).Distinct())
        {
            var target = await targets.GetWithKeyAsync(id, cancellationToken) ?? throw new StreamTargetNotFoundException(id);
            var url = RtmpStreamMirrorController.PublishUrl(target.RtmpUrl, target.StreamKey);
            try
            {
                RtmpTarget.Parse(url);
            }
            catch (ArgumentException)
            {
                // The parser's message would not say which target; this one does, with the key masked.
                throw new ArgumentException($"Stream target '{target.Name}' has no usable publish URL ({RtmpTarget.Mask(url)}); fix it under Stream targets.");
            }

            chosen.Add((target.Id, url));
        }

        var session = await registry.CreateAsync(
            new SessionSpec(
                SessionKind.Broadcast,
                request.Mode ?? SessionMode.Chat,
                NullIfBlank(request.AvatarId),
                NullIfBlank(request.VoiceId),
                NullIfBlank(request.PersonaPrompt),
                Owner,
                chosen.Select(c => c.Url).ToList()),
            cancellationToken);
        foreach (var (targetId, url) in chosen)
        {
            Label(session, targetId, url);
        }

        LogStarted(logger, session.Id, session.Profile.AvatarName, chosen.Count);
        return session;
    }

    /// <summary>Sends a command to broadcast <paramref name="id"/>; refused when there is no such broadcast.</summary>
    public CommandResult Execute(string id, SessionCommand command)
    {
        if (Find(id) is not { } session)
        {
            return CommandResult.Refused($"There is no broadcast '{id}'.");
        }

        if (command is SpeakCommand speak)
        {
            try
            {
                session.Conversation.ValidateInput(speak.Text);
            }
            catch (ArgumentException ex)
            {
                return CommandResult.Refused(Describe(ex));
            }
        }

        return session.Execute(command);
    }

    /// <summary>Stops broadcast <paramref name="id"/> (its mirrors finish their streams). False when there is no such broadcast.</summary>
    public async Task<bool> StopAsync(string id)
    {
        if (Find(id) is null || !await registry.CloseAsync(id, "broadcast stopped by the admin"))
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

    private static bool IsBroadcast(LiveSession session) => session.Spec.Kind == SessionKind.Broadcast && !session.IsClosed;

    // The spec carries bare URLs, so the registry starts the mirrors unlabelled; starting a running target again only
    // returns its status, which lets the target's id be attached for the dashboards.
    private static void Label(LiveSession session, int targetId, string url)
    {
        try
        {
            session.StartMirror(url, targetId.ToString(CultureInfo.InvariantCulture));
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile: nothing to label.
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broadcast {SessionId} started (avatar {Avatar}, {Targets} stream target(s))")]
    private static partial void LogStarted(ILogger logger, string sessionId, string? avatar, int targets);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broadcast {SessionId} stopped by the admin")]
    private static partial void LogStopped(ILogger logger, string sessionId);
}
