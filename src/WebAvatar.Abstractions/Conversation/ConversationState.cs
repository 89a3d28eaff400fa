namespace WebAvatar.Conversation;

public enum ConversationState
{
    Listening,
    Thinking,
    Speaking,
    Stopped,
}

public enum TranscriptRole
{
    User,
    Avatar,
    System,
}

/// <summary>A line of the live transcript. <see cref="IsFinal"/> is false for partial ASR results and for an avatar reply still being spoken.</summary>
public sealed record TranscriptEntry(string ReplyId, TranscriptRole Role, string Text, bool IsFinal, DateTimeOffset At);
