namespace WebAvatar.Conversation;

/// <summary>Pipeline stages whose latency is measured per reply.</summary>
public enum Stage
{
    VadEnd,
    AsrFinal,
    LlmFirstToken,
    FirstSegment,
    TtsFirstAudio,
    LipSyncFirstFrame,
    FirstAudioOut,
}

/// <summary>
/// Latency of one stage of one reply, measured from the reply's start (end of user speech, or text submit).
/// </summary>
public sealed record StageTiming(string ReplyId, Stage Stage, TimeSpan SinceReplyStart);
