namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Speech-to-text for one utterance: the contract <see cref="StreamingTranscriber"/> decodes through, whatever engine
/// runs underneath (Whisper on ONNX Runtime, whisper.cpp through Whisper.net, a remote server through
/// <see cref="SpeechToTextUtteranceRecognizer"/>). Implementations are thread-safe and
/// shared by every session; they bound concurrent decodes themselves (<see cref="WhisperOptions.MaxConcurrentDecodes"/>)
/// and are owned (and disposed) by the application, never by a caller.
/// </summary>
public interface IUtteranceRecognizer
{
    /// <summary>Short engine name for the health page and the chat chips ("Whisper.net", "Whisper (ONNX)").</summary>
    string EngineName { get; }

    /// <summary>The model in use, for the health page.</summary>
    string ModelDescription { get; }

    /// <summary>
    /// False when <see cref="RecognitionPass.Partial"/> passes are not worth asking for (a remote engine with interim
    /// results turned off): <see cref="StreamingTranscriber"/> then decodes finals only.
    /// </summary>
    bool DecodesPartials => true;

    /// <summary>Why the most recent decode failed (a server unreachable or answering errors), or null; for the health line.</summary>
    string? LastError => null;

    /// <summary>
    /// Transcribes <paramref name="audio"/>: 16 kHz mono in [-1, 1], at most 30 s (longer is trimmed). The recognizer
    /// only reads the buffer, and only until the returned task completes; the caller owns it and may reuse it after.
    /// May block the calling thread for the whole decode (the ONNX engine decodes synchronously), so call it from the
    /// thread pool, never from an audio loop. Waits while the engine's concurrent-decode limit is reached.
    /// Cancellation stops the decode promptly and the task ends with <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<WhisperTranscription> TranscribeAsync(ReadOnlyMemory<float> audio, RecognitionPass pass, CancellationToken cancellationToken);
}
