using System.Text.Json.Serialization;
using WebAvatar.Conversation;

namespace WebAvatar.Sessions;

/// <summary>
/// What a session tells its clients (chat page, API event stream, dashboard, history). Plain serialisable messages;
/// <see cref="Sequence"/> grows by one per event of a session, so a client can tell whether it missed any.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SessionStateChanged), "state")]
[JsonDerivedType(typeof(TranscriptUpdated), "transcript")]
[JsonDerivedType(typeof(StageMeasured), "stage")]
[JsonDerivedType(typeof(BargeInDetected), "barge-in")]
[JsonDerivedType(typeof(SessionError), "error")]
[JsonDerivedType(typeof(SessionEnded), "ended")]
public abstract record SessionEvent
{
    public required string SessionId { get; init; }

    public long Sequence { get; init; }

    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>The conversation moved to <see cref="State"/> (Listening, Thinking, Speaking, Stopped).</summary>
public sealed record SessionStateChanged(
    ConversationState State) : SessionEvent;

/// <summary>
/// A transcript line: the user's words (partial while they speak, then final), the avatar's reply text as it is
/// spoken (partial, then final), or a system line (an operator's exact line, an error).
/// </summary>
public sealed record TranscriptUpdated(
    string ReplyId,
    TranscriptRole Role,
    string Text,
    bool IsFinal) : SessionEvent
{
    /// <summary>The event for a conversation's transcript line (its time kept).</summary>
    public static TranscriptUpdated From(TranscriptEntry entry, string sessionId) =>
        new(entry.ReplyId, entry.Role, entry.Text, entry.IsFinal) { SessionId = sessionId, At = entry.At };

    /// <summary>The transcript line this event carries.</summary>
    public TranscriptEntry ToEntry() => new(ReplyId, Role, Text, IsFinal, At);
}

/// <summary>A reply reached <see cref="Stage"/> <see cref="Milliseconds"/> after it started (end of user speech or text submit).</summary>
public sealed record StageMeasured(
    string ReplyId,
    Stage Stage,
    double Milliseconds) : SessionEvent;

/// <summary>The user spoke over the avatar and the reply was interrupted <see cref="Milliseconds"/> after the onset was confirmed.</summary>
public sealed record BargeInDetected(double Milliseconds) : SessionEvent;

/// <summary>Something failed (the LLM is unreachable, a voice is unsupported...); the message is meant for people.</summary>
public sealed record SessionError(string Message) : SessionEvent;

/// <summary>The session is over (last holder gone, deleted, server stopping); no event follows.</summary>
public sealed record SessionEnded(string Reason) : SessionEvent;
