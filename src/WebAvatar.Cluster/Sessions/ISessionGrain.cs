using Orleans.Concurrency;
using WebAvatar.Sessions;

namespace WebAvatar.Cluster.Sessions;

/// <summary>
/// A live session's control surface in the cluster, keyed by the session id and activated on the node that runs its
/// media (placed by <see cref="Placement.SessionPlacementDirector"/> on the node with the most free slots). Every front
/// door (chat page, session API, WHEP signalling) drives the session through it. Owner-checked calls answer null when
/// the session does not exist or belongs to someone else, so that a caller cannot tell the two apart.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the session on this node, or says why not: its slots were taken between placement and start (the front door
    /// places it again), or the request names an avatar that does not exist or cannot be used.
    /// </summary>
    Task<SessionOpening> OpenAsync(SessionSpec spec);

    Task<SessionView?> DescribeAsync(string? owner);

    /// <summary>Who created the session (<see cref="SessionSpec.Owner"/>; empty when nobody is named), or null when it is not live.</summary>
    Task<string?> GetOwnerAsync();

    Task<CommandResult?> ExecuteAsync(string? owner, SessionCommand command);

    /// <summary>The conversation so far (final lines, oldest first; what a reloaded chat page shows again); null as <see cref="DescribeAsync"/>.</summary>
    Task<IReadOnlyList<Conversation.TranscriptEntry>?> TranscriptAsync(string? owner);

    /// <summary>Renews an API client's lease; null as <see cref="DescribeAsync"/>.</summary>
    Task<SessionView?> KeepAliveAsync(string? owner);

    Task<bool> CloseAsync(string? owner, string reason);

    /// <summary>
    /// Sends the session's events to <paramref name="observer"/> (the current state first) and holds the session while it
    /// follows. Answers the session's node (its silo address), or null when the session is not there for this owner.
    /// </summary>
    /// <param name="followerSilo">The follower's node (its silo address): if that node dies, the session stops sending to it.</param>
    /// <param name="asPage">True for a chat page: its hold shows as the page's (admin "held by"), not an event stream's.</param>
    Task<string?> FollowAsync(string? owner, ISessionEventObserver observer, string followerSilo, bool asPage);

    Task UnfollowAsync(ISessionEventObserver observer);

    /// <summary>Answers a WHEP offer with a peer on this node (the answer names this node's media address). Null: no such session.</summary>
    Task<WhepOutcome?> OfferAsync(string offerSdp);

    Task<bool> ClosePeerAsync(string peerId);

    /// <summary>
    /// Mirrors the session over RTMP to <paramref name="url"/> (stream key included; checked with <see cref="Media.Rtmp.RtmpTarget.Parse"/>
    /// by the caller), in place of the mirrors it has: the dashboard gives a session one target at a time. Null: no such session.
    /// </summary>
    /// <param name="label">What the dashboards show the mirror as belonging to (a stream target's id).</param>
    Task<MirrorView?> StartMirrorAsync(string url, string? label);

    /// <summary>Stops the session's RTMP mirrors (each finishes its stream); false when there is no such session.</summary>
    Task<bool> StopMirrorsAsync();

    /// <summary>The session's avatar at rest (PNG or JPEG, see <see cref="ISessionStills"/>), or null when it is not live.</summary>
    Task<byte[]?> StillAsync(bool png);
}

/// <summary>Receives one session's events on the node that follows it (a page's or API client's front door).</summary>
public interface ISessionEventObserver : IGrainObserver
{
    [OneWay]
    Task OnEventAsync(SessionEvent sessionEvent);
}

/// <summary>Why a WHEP offer was not answered (the front door's HTTP status follows from it).</summary>
public enum WhepRefusal
{
    None,
    BadOffer,
    NoCapacity,
}

/// <summary>An answered WHEP offer (the SDP answer, the peer's id for DELETE, the video layout), or why it was refused.</summary>
public sealed record WhepOutcome(string? AnswerSdp, string? PeerId, Media.VideoLayout VideoLayout, string? Refusal, WhepRefusal RefusedAs = WhepRefusal.None)
{
    public static WhepOutcome Refused(WhepRefusal why, string message) => new(null, null, Media.VideoLayout.Opaque, message, why);
}

/// <summary>Why a node did not start a session.</summary>
public enum SessionRefusal
{
    None,
    NodeFull,
    UnknownAvatar,
    AvatarUnusable,
}

/// <summary>A session started on a node (<see cref="Session"/>), or why it was not (<see cref="Refusal"/>, <see cref="Message"/>).</summary>
public sealed record SessionOpening(SessionView? Session, SessionRefusal Refusal = SessionRefusal.None, string? Message = null);

/// <summary>A session request the cluster could not start (raised by the front door; the message is for the caller).</summary>
public sealed class SessionRefusedException(SessionRefusal reason, string message) : Exception(message)
{
    public SessionRefusal Reason { get; } = reason;
}
