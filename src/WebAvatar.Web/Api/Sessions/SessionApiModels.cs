using WebAvatar.Sessions;

namespace WebAvatar.Web.Api.Sessions;

/// <summary>POST /api/v1/sessions.</summary>
/// <param name="Kind">"api" (default: lives while this client keeps it alive or a viewer watches) or "broadcast" (runs until deleted).</param>
/// <param name="AvatarId">A dashboard avatar's id; omitted = the default avatar.</param>
/// <param name="VoiceId">Overrides the avatar's voice.</param>
/// <param name="Persona">Overrides the persona's system prompt.</param>
/// <param name="Mode">"chat" (the LLM answers) or "echo" (the avatar repeats the user).</param>
/// <param name="StreamTargetIds">RTMP stream targets configured in the dashboard to mirror to from the start.</param>
/// <param name="StreamUrls">Other RTMP URLs (stream key included) to mirror to.</param>
public sealed record CreateSessionRequest(
    SessionKind? Kind = null,
    string? AvatarId = null,
    string? VoiceId = null,
    string? Persona = null,
    SessionMode? Mode = null,
    IReadOnlyList<int>? StreamTargetIds = null,
    IReadOnlyList<string>? StreamUrls = null);

/// <summary>POST /api/v1/sessions/{id}/speak.</summary>
/// <param name="Mode">"say-exactly" (default: the avatar says the text) or "ask-llm" (the text is the user's turn).</param>
/// <param name="InterruptCurrent">True (default) replaces what the avatar is saying; false queues the line after it.</param>
public sealed record SpeakRequest(string? Text, SpeakMode Mode = SpeakMode.SayExactly, bool InterruptCurrent = true);

/// <summary>The answer to speak and interrupt: accepted, with the reply it started (null when queued or nothing started).</summary>
public sealed record CommandAccepted(string? ReplyId, bool Queued);

/// <summary>GET /api/v1/avatars: the avatars a client may name.</summary>
public sealed record AvatarChoice(string Id, string Name, bool IsDefault, string Voice, string LipSync);
