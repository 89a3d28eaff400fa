namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>Audio of one espeak_Synth call at espeak's native rate, with its phoneme events.</summary>
/// <param name="Samples">Mono PCM at <see cref="SampleRate"/>; owned by the caller.</param>
/// <param name="Phonemes">IPA phoneme events, milliseconds from the start of <paramref name="Samples"/>, in order.</param>
internal sealed record EspeakSynthesisResult(short[] Samples, int SampleRate, IReadOnlyList<(int Milliseconds, string Ipa)> Phonemes);
