namespace WebAvatar.Speech.Synthesis;

/// <summary>One sentence of speech at the pipeline rate with marks relative to its first sample.</summary>
public sealed record SynthesizedSentence(short[] Samples, IReadOnlyList<PhonemeMark> Marks);
