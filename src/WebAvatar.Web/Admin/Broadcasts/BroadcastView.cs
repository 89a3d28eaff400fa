using WebAvatar.Media.Rtmp;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>One RTMP mirror of a broadcast. <see cref="Target"/> is the publish URL with the stream key masked.</summary>
/// <param name="TargetId">The stream target it was started for, when known.</param>
/// <param name="State">Starting, Live or Stopped (see <see cref="MirrorState"/>).</param>
public sealed record BroadcastMirrorView(string Id, int? TargetId, string Target, string State, string Detail)
{
    public static BroadcastMirrorView Of(LiveSession session, RtmpMirrorStatus status)
    {
        var described = RtmpStreamMirrorController.ToStatus(session, status);
        return new(status.Id, described.TargetId, status.TargetUrl, described.State.ToString(), described.Detail);
    }
}

/// <summary>A running broadcast for the dashboard and the admin API: the session's snapshot with its mirrors spelled out.</summary>
/// <param name="State">The conversation's state: Listening, Thinking, Speaking or Stopped.</param>
/// <param name="Holders">What holds the session alive ("broadcast", plus "viewer" per WHEP viewer).</param>
public sealed record BroadcastView(
    string Id,
    SessionKind Kind,
    SessionMode Mode,
    string State,
    string? AvatarId,
    string? AvatarName,
    string Renderer,
    string Llm,
    double FramesPerSecond,
    int Viewers,
    IReadOnlyList<string> Holders,
    DateTimeOffset CreatedAt,
    IReadOnlyList<BroadcastMirrorView> Mirrors)
{
    public static BroadcastView Of(LiveSession session)
    {
        var s = session.Snapshot();
        return new(
            s.Id,
            s.Kind,
            s.Mode,
            s.State.ToString(),
            s.AvatarId,
            s.AvatarName,
            s.Renderer,
            s.Llm,
            Math.Round(s.FramesPerSecond, 1),
            s.Viewers,
            s.Holders,
            s.CreatedAt,
            session.Mirrors.List().Select(m => BroadcastMirrorView.Of(session, m)).ToList());
    }
}
