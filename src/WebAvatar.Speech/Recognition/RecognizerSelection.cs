namespace WebAvatar.Speech.Recognition;

/// <summary>The speech recognizer that runs (or none) and the health line that says so.</summary>
/// <param name="Recognizer">The engine decoding utterances; null when voice input is disabled.</param>
/// <param name="Engine">Its name for the chips ("Whisper.net", "Whisper (ONNX)", "OpenAI-compatible", "disabled").</param>
/// <param name="Detail">The model in use, a fallback and its reason, or why voice input is disabled.</param>
public sealed record RecognizerSelection(IUtteranceRecognizer? Recognizer, string Engine, string Detail)
{
    public const string Disabled = "disabled";

    public bool Active => Recognizer is not null;

    /// <summary><see cref="Detail"/>, plus the engine's latest failure while it is failing (a remote server down or answering errors).</summary>
    public string CurrentDetail => Recognizer?.LastError is { } error ? $"{Detail}; failing: {error}" : Detail;
}
