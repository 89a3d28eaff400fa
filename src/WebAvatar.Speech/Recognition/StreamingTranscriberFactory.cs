using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech.Recognition;

/// <summary>Creates a <see cref="StreamingTranscriber"/> per session over the shared VAD model and Whisper engine. Thread-safe.</summary>
public sealed class StreamingTranscriberFactory(
    VoiceActivityDetectorFactory vadFactory,
    WhisperEngine engine,
    IOptions<VadOptions> vadOptions,
    ILoggerFactory? loggerFactory = null,
    TimeProvider? timeProvider = null)
{
    /// <summary>A new transcriber; without a Whisper model it still reports speech start/end (barge-in keeps working).</summary>
    public StreamingTranscriber Create()
    {
        var recognizer = engine.IsAvailable ? engine.GetRecognizer() : null;
        var logger = (ILogger?)loggerFactory?.CreateLogger<StreamingTranscriber>() ?? NullLogger.Instance;
        return new StreamingTranscriber(vadFactory.Create(), recognizer, engine.Options, vadOptions.Value, timeProvider, logger);
    }
}
