namespace WebAvatar.Speech.Vad;

public enum VoiceActivityKind
{
    SpeechStart,
    SpeechEnd,

    /// <summary>Tentative: a window crossed the start threshold; a <see cref="SpeechStart"/> or <see cref="CandidateRejected"/> follows.</summary>
    SpeechCandidate,

    /// <summary>Tentative: the candidate fell silent before it lasted long enough to count as speech.</summary>
    CandidateRejected,

    /// <summary>Tentative: the first silent window after speech; its position is where <see cref="SpeechEnd"/> will be reported if the silence lasts.</summary>
    TentativeEnd,

    /// <summary>Tentative: speech came back before the silence after a <see cref="TentativeEnd"/> was long enough to end the utterance.</summary>
    SpeechResumed,
}

/// <summary>
/// An endpoint found by <see cref="VoiceActivityDetector"/>. <see cref="SamplePosition"/> counts 16 kHz samples
/// from the first sample the detector was fed: the speech onset for a start or candidate, the first silent sample for an end
/// or tentative end, the end of the deciding window for a rejection or resumption.
/// </summary>
public readonly record struct VoiceActivityEvent(VoiceActivityKind Kind, long SamplePosition)
{
    public TimeSpan Time => TimeSpan.FromSeconds(SamplePosition / (double)Media.MediaTiming.PipelineSampleRate);
}
