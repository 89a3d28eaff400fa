using WebAvatar.Cluster.Sessions;
using WebAvatar.Sessions;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Admin.Broadcasts;

/// <summary>One RTMP mirror of a broadcast. <see cref="Target"/> is the publish URL with the stream key masked.</summary>
/// <param name="TargetId">The stream target it was started for, when known.</param>
/// <param name="State">Starting, Live or Stopped (see <see cref="MirrorState"/>).</param>
public sealed record BroadcastMirrorView(string Id, int? TargetId, string Target, string State, string Detail)
{
    public static BroadcastMirrorView Of(MirrorView mirror) => new(
        mirror.Id,
        StreamMirrors.TargetOf(mirror),
        mirror.Target,
        MirrorStates.Of(mirror.State).ToString(),
        mirror.Detail);
}

/// <summary>A running broadcast for the dashboard and the admin API: the session's view with its mirrors spelled out.</summary>
/// <param name="State">The conversation's state: Listening, Thinking, Speaking or Stopped.</param>
/// <param name="Holders">What holds the session alive ("broadcast", plus "viewer" per WHEP viewer).</param>
/// <param name="Node">The cluster node that runs it.</param>
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
    IReadOnlyList<BroadcastMirrorView> Mirrors,
    string Node)
{
    public static BroadcastView Of(SessionView session) => new(
        session.Id,
        session.Kind,
        session.Mode,
        session.State.ToString(),
        session.AvatarId,
        session.AvatarName,
        session.Renderer,
        session.Llm,
        Math.Round(session.FramesPerSecond, 1),
        session.Viewers,
        session.Holders,
        session.CreatedAt,
        session.Mirrors.Select(BroadcastMirrorView.Of).ToList(),
        session.Node);
}
