namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// One sentence of speech at the engine's own <paramref name="SampleRate"/> with marks relative to its first sample
/// (the pipeline converts to its rate in one place, SpeechStage).
/// </summary>
public sealed record SynthesizedSentence(short[] Samples, int SampleRate, IReadOnlyList<PhonemeMark> Marks);
