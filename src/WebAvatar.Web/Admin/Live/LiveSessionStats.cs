using WebAvatar.Conversation;

namespace WebAvatar.Web.Admin.Live;

/// <summary>One reply's measured stage latencies in milliseconds (missing stages are absent).</summary>
/// <param name="StartedAt">Wall-clock time of the reply's start (end of user speech as the VAD reports it, or the text submit).</param>
public sealed record ReplyLatency(string ReplyId, IReadOnlyDictionary<Stage, double> Milliseconds, DateTimeOffset StartedAt = default);

/// <summary>A snapshot of one live session for the dashboard.</summary>
public sealed record LiveSessionView(
    string Id,
    ConversationState State,
    string Renderer,
    string Llm,
    double FramesPerSecond,
    int Viewers,
    IReadOnlyList<ReplyLatency> RecentReplies);
