namespace WebAvatar.Speech.Vad;

public enum VoiceActivityKind
{
    SpeechStart,
    SpeechEnd,
}

/// <summary>
/// An endpoint found by <see cref="VoiceActivityDetector"/>. <see cref="SamplePosition"/> counts 16 kHz samples
/// from the first sample the detector was fed: the speech onset for a start, the first silent sample for an end.
/// </summary>
public readonly record struct VoiceActivityEvent(VoiceActivityKind Kind, long SamplePosition)
{
    public TimeSpan Time => TimeSpan.FromSeconds(SamplePosition / (double)Media.MediaTiming.PipelineSampleRate);
}
