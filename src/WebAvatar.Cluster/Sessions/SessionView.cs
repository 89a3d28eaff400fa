using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Media.Rtmp;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Transport.WebRtc.Signalling;

namespace WebAvatar.Cluster.Sessions;

/// <summary>An RTMP mirror of a session (the stream key is masked, in <see cref="Target"/> and in <see cref="LastError"/>).</summary>
/// <param name="State">connecting, streaming, reconnecting or stopped.</param>
/// <param name="Label">What it was started for (the dashboard's stream target id), if anything.</param>
/// <param name="Detail">One line for people on what it is doing (<see cref="RtmpMirrorStatus.Describe"/>).</param>
public sealed record MirrorView(string Id, string Target, string State, double BitrateKbps, long SentFrames, string? LastError, string? Label, string Detail)
{
    public static MirrorView From(LiveSession session, RtmpMirrorStatus m) =>
        new(m.Id, m.TargetUrl, m.State.ToString().ToLowerInvariant(), Math.Round(m.BitrateKbps, 1), m.SentFrames, m.LastError, session.MirrorLabel(m.Id), m.Describe());
}

/// <summary>A session as the API shows it; <see cref="Node"/> names the cluster node that runs its media.</summary>
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
    string VideoLayout,
    string Node,
    string? Language = null)
{
    /// <summary>"opaque", or "color-alpha-side-by-side" when the avatar's background is removed (see the WHEP answer's header).</summary>
    public static string LayoutName(VideoLayout layout) =>
        layout == WebAvatar.Media.VideoLayout.ColorAlphaSideBySide ? WebRtcEndpoints.ColorAlphaSideBySide : "opaque";

    /// <summary>An API client's lease on the session (renewed by keep-alive), if it has one.</summary>
    public static SessionLease? ApiLease(LiveSession session) =>
        session.Leases.Active.FirstOrDefault(l => l.Kind == LeaseKind.Api && l.ExpiresAt is not null);

    public static SessionView From(LiveSession session, string node)
    {
        var leaseExpiresAt = ApiLease(session)?.ExpiresAt;
        var s = session.Snapshot();
        var mirrors = session.Mirrors.List().Select(m => MirrorView.From(session, m)).ToList();
        return new SessionView(s.Id, s.Kind, s.Mode, s.State, s.AvatarId, s.AvatarName, s.Renderer, s.Llm, s.FramesPerSecond, s.Viewers,
            s.Holders, mirrors, s.CreatedAt, leaseExpiresAt, SessionLinks.For(s.Id), LayoutName(session.Conversation.VideoLayout), node, session.Profile.Voice.Language);
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
