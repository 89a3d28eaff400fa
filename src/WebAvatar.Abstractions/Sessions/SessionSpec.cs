namespace WebAvatar.Sessions;

/// <summary>What answers the user: the LLM, or echo mode (the avatar repeats what it hears).</summary>
public enum SessionMode
{
    Chat,
    Echo,
}

/// <summary>Who a session was made for; it decides the kind of holder that keeps it alive.</summary>
public enum SessionKind
{
    /// <summary>A chat page: lives while the page (or its WebRTC peer) holds it.</summary>
    Chat,

    /// <summary>An API client: lives while its lease is kept alive, or a WebRTC peer is connected.</summary>
    Api,

    /// <summary>A broadcast (RTMP to OBS/SRS): runs without any browser until it is stopped.</summary>
    Broadcast,
}

/// <summary>
/// The request for a new session. Null fields take the defaults (the dashboard's default avatar, its voice and persona,
/// or the configuration). A plain serialisable message.
/// </summary>
/// <param name="AvatarId">An avatar of the dashboard; null = the default avatar.</param>
/// <param name="VoiceId">Overrides the avatar's voice (an espeak-ng/Piper voice id).</param>
/// <param name="PersonaPrompt">Overrides the persona's system prompt.</param>
/// <param name="Owner">Who created it (an API key id, "admin", "page"); only the owner may drive an API session.</param>
/// <param name="StreamTargets">RTMP targets the session mirrors to from its start.</param>
public sealed record SessionSpec(
    SessionKind Kind = SessionKind.Chat,
    SessionMode Mode = SessionMode.Chat,
    string? AvatarId = null,
    string? VoiceId = null,
    string? PersonaPrompt = null,
    string? Owner = null,
    IReadOnlyList<MirrorTarget>? StreamTargets = null);

/// <summary>An RTMP target for a session's mirror: the publish URL (stream key included) and an optional label for dashboards.</summary>
/// <param name="Label">What the mirror is shown as belonging to (the dashboard's stream target id); null for none.</param>
public sealed record MirrorTarget(string Url, string? Label = null);
