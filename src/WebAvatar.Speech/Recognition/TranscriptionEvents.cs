namespace WebAvatar.Speech.Recognition;

/// <summary>
/// What a <see cref="StreamingTranscriber"/> reports. Sample positions count 16 kHz samples from the first sample
/// written to the transcriber; <see cref="UtteranceId"/> numbers utterances from 1.
/// </summary>
public abstract record TranscriptionEvent(int UtteranceId, long SamplePosition);

/// <summary>The user started speaking (at the onset, reported ~min-speech later): the cue for barge-in.</summary>
public sealed record SpeechStartedEvent(int UtteranceId, long SamplePosition) : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>The user stopped speaking (end of turn); the final transcript follows after decoding.</summary>
public sealed record SpeechEndedEvent(int UtteranceId, long SamplePosition) : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>Interim transcript of the utterance so far; later partials and the final replace it.</summary>
public sealed record PartialTranscriptEvent(int UtteranceId, long SamplePosition, string Text) : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>The transcript of a finished utterance (may be empty when nothing intelligible was said).</summary>
/// <param name="Speculative">
/// The final is the decode a <see cref="SpeculativeTranscriptEvent"/> of the same utterance already announced (same text):
/// a reply prepared on it may be kept.
/// </param>
public sealed record FinalTranscriptEvent(int UtteranceId, long SamplePosition, string Text, long StartSample, WhisperTranscription? Details, bool Speculative = false)
    : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>
/// The user has probably finished: at the first silent window the end decode already ran, and this is the transcript the
/// final will carry if the silence lasts. The cue to prepare a reply without playing it. Exactly one of these follows:
/// a <see cref="FinalTranscriptEvent"/> with <c>Speculative</c> set (the guess holds) or a
/// <see cref="SpeculationDroppedEvent"/> (the user went on speaking, or the utterance ended elsewhere).
/// </summary>
public sealed record SpeculativeTranscriptEvent(int UtteranceId, long SamplePosition, string Text) : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>The <see cref="SpeculativeTranscriptEvent"/> of this utterance no longer holds: whatever was prepared on it must go.</summary>
public sealed record SpeculationDroppedEvent(int UtteranceId, long SamplePosition) : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>
/// Maybe the user started speaking: a window crossed the VAD threshold but has not lasted min-speech yet. A
/// <see cref="SpeechStartedEvent"/> or a <see cref="SpeechCandidateRejectedEvent"/> with the same id follows. The cue to
/// pause (not cancel) the avatar at the first sign of speech.
/// </summary>
public sealed record SpeechCandidateEvent(int UtteranceId, long SamplePosition) : TranscriptionEvent(UtteranceId, SamplePosition);

/// <summary>The candidate was a blip (a click, a cough): no utterance follows; whatever was paused for it may resume.</summary>
public sealed record SpeechCandidateRejectedEvent(int UtteranceId, long SamplePosition) : TranscriptionEvent(UtteranceId, SamplePosition);
