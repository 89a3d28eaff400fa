using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Signalling;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Live;
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

/// <summary>An RTMP mirror of a session (the stream key is masked).</summary>
public sealed record MirrorView(string Id, string Target, string State, double BitrateKbps, long SentFrames, string? LastError);

/// <summary>A session as the API shows it.</summary>
public sealed record SessionView(
    string Id,
    SessionKind Kind,
    SessionMode Mode,
    ConversationState State,
    string? AvatarId,
    string? AvatarName,
    string Renderer,
    string Llm,
    double FramesPerSecond,
    int Viewers,
    IReadOnlyList<string> Holders,
    IReadOnlyList<MirrorView> Mirrors,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LeaseExpiresAt,
    SessionLinks Links,
    string VideoLayout)
{
    /// <summary>"opaque", or "color-alpha-side-by-side" when the avatar's background is removed (see the WHEP answer's header).</summary>
    public static string LayoutName(VideoLayout layout) =>
        layout == WebAvatar.Media.VideoLayout.ColorAlphaSideBySide ? WebRtcEndpoints.ColorAlphaSideBySide : "opaque";

    public static SessionView From(LiveSession session, DateTimeOffset? leaseExpiresAt)
    {
        var s = session.Snapshot();
        var mirrors = session.Mirrors.List()
            .Select(m => new MirrorView(m.Id, m.TargetUrl, m.State.ToString().ToLowerInvariant(), Math.Round(m.BitrateKbps, 1), m.SentFrames, m.LastError))
            .ToList();
        return new SessionView(s.Id, s.Kind, s.Mode, s.State, s.AvatarId, s.AvatarName, s.Renderer, s.Llm, s.FramesPerSecond, s.Viewers,
            s.Holders, mirrors, s.CreatedAt, leaseExpiresAt, SessionLinks.For(s.Id), LayoutName(session.Conversation.VideoLayout));
    }
}

/// <summary>Where to go next: the event stream, speak, and WHEP for media (POST an SDP offer, get the answer).</summary>
public sealed record SessionLinks(string Self, string Events, string Speak, string Interrupt, string KeepAlive, string Whep)
{
    public static SessionLinks For(string id) => new(
        $"/api/v1/sessions/{id}",
        $"/api/v1/sessions/{id}/events",
        $"/api/v1/sessions/{id}/speak",
        $"/api/v1/sessions/{id}/interrupt",
        $"/api/v1/sessions/{id}/keepalive",
        $"/api/webrtc/{id}");
}

/// <summary>GET /api/v1/avatars: the avatars a client may name.</summary>
public sealed record AvatarChoice(string Id, string Name, bool IsDefault, string Voice, string LipSync);
