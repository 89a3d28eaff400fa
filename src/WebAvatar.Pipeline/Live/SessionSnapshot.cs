using WebAvatar.Conversation;
using WebAvatar.Sessions;

namespace WebAvatar.Pipeline.Live;

/// <summary>One reply's measured stage latencies in milliseconds (missing stages are absent).</summary>
/// <param name="StartedAt">Wall-clock time of the reply's start (end of user speech as the VAD reports it, or the text submit).</param>
public sealed record ReplyLatency(string ReplyId, IReadOnlyDictionary<Stage, double> Milliseconds, DateTimeOffset StartedAt = default);

/// <summary>A snapshot of one live session, for dashboards, metrics and the API.</summary>
public sealed record SessionSnapshot(
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
    int Mirrors,
    IReadOnlyList<string> Holders,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ReplyLatency> RecentReplies,
    Voice.PreemptionCounts Preemption);
