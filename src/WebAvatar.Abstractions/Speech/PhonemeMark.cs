namespace WebAvatar.Speech;

/// <summary>A phoneme (or word) boundary reported by a TTS engine, relative to the start of its audio.</summary>
/// <param name="OffsetSamples">Start of the phoneme in samples at the audio's own sample rate.</param>
/// <param name="Phoneme">The engine's phoneme symbol (IPA for espeak-ng and Piper), empty for word marks.</param>
/// <param name="Viseme">The mouth shape it maps to.</param>
public readonly record struct PhonemeMark(int OffsetSamples, string Phoneme, Viseme Viseme);
