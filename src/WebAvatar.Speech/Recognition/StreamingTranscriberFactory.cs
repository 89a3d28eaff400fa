using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Creates a <see cref="StreamingTranscriber"/> per session over the shared VAD model and the recognizer that
/// <see cref="UtteranceRecognizerSelector"/> chose (Whisper.net, ONNX Whisper or a transcription server). Thread-safe; the sessions' transcribers
/// share the recognizer and do not own it.
/// </summary>
public sealed class StreamingTranscriberFactory(
    VoiceActivityDetectorFactory vadFactory,
    UtteranceRecognizerSelector recognizers,
    IOptions<VadOptions> vadOptions,
    ILoggerFactory? loggerFactory = null,
    TimeProvider? timeProvider = null)
{
    /// <summary>The engine sessions get, and the health line about it (loads the model on the first call).</summary>
    public RecognizerSelection Recognizer => recognizers.Select();

    /// <summary>A new transcriber; without a recognizer it still reports speech start/end (barge-in keeps working).</summary>
    public StreamingTranscriber Create()
    {
        var logger = (ILogger?)loggerFactory?.CreateLogger<StreamingTranscriber>() ?? NullLogger.Instance;
        return new StreamingTranscriber(vadFactory.Create(), recognizers.Select().Recognizer, recognizers.Options, vadOptions.Value, timeProvider, logger);
    }
}
