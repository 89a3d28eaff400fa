namespace WebAvatar.Speech.Recognition;

/// <summary>The result of decoding one utterance, with where the time went.</summary>
/// <param name="Text">The transcript, trimmed.</param>
/// <param name="Language">ISO code used (forced or detected); empty for English-only models.</param>
/// <param name="Tokens">Generated text tokens (prompt and end-of-text excluded).</param>
/// <param name="AudioDuration">Length of the audio that was decoded.</param>
/// <param name="FeatureTime">Log-mel computation.</param>
/// <param name="EncoderTime">Encoder inference.</param>
/// <param name="DecoderTime">All decoder steps, prompt included (engines that do not split their time report all of it here).</param>
/// <param name="DecoderSteps">Decoder runs (the prompt counts as one, or two with language detection).</param>
/// <param name="HitLengthCap">True when decoding stopped at the token cap instead of end-of-text.</param>
/// <param name="Engine">The engine that decoded it (<see cref="IUtteranceRecognizer.EngineName"/>).</param>
public sealed record WhisperTranscription(
    string Text,
    string Language,
    IReadOnlyList<int> Tokens,
    TimeSpan AudioDuration,
    TimeSpan FeatureTime,
    TimeSpan EncoderTime,
    TimeSpan DecoderTime,
    int DecoderSteps,
    bool HitLengthCap,
    string Engine = WhisperRecognizer.Name)
{
    public TimeSpan TotalTime => FeatureTime + EncoderTime + DecoderTime;

    /// <summary>Real-time factor: processing time / audio time (below 1 is faster than real time).</summary>
    public double RealTimeFactor => AudioDuration > TimeSpan.Zero ? TotalTime / AudioDuration : 0;
}

/// <summary>Per-call decoding choices.</summary>
/// <param name="Language">ISO code to force; null or "auto" detects it.</param>
/// <param name="MaxNewTokens">Token cap; null uses <see cref="WhisperOptions.MaxNewTokens"/>.</param>
public sealed record WhisperDecodingOptions(string? Language = null, int? MaxNewTokens = null);
