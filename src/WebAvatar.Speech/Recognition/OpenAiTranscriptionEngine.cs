using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.OpenAiCompatible;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// The application's OpenAI-compatible transcription engine (<see cref="WhisperEngines.OpenAi"/>, or the last resort
/// under "auto"): an <see cref="OpenAiCompatibleSpeechToTextClient"/> for the "Asr:OpenAiCompatible" section behind a
/// <see cref="SpeechToTextUtteranceRecognizer"/>, built on first use and shared by every session. The server is not
/// probed (not every server has an endpoint for that): nothing is sent until an utterance is decoded, and a server
/// that is down or answers errors shows on the health line as it happens. Thread-safe singleton; owns the client.
/// </summary>
public sealed class OpenAiTranscriptionEngine : IDisposable
{
    public const string Name = "OpenAI-compatible";

    private readonly WhisperOptions _options;
    private readonly OpenAiTranscriptionOptions _server;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Lazy<SpeechToTextUtteranceRecognizer?> _recognizer;
    private string? _loadError;

    public OpenAiTranscriptionEngine(IOptions<WhisperOptions> options, IOptions<OpenAiTranscriptionOptions> server, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _server = server.Value;
        _loggerFactory = loggerFactory;
        _recognizer = new Lazy<SpeechToTextUtteranceRecognizer?>(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True when Asr:OpenAiCompatible:Endpoint is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(_server.Endpoint);

    /// <summary>The settings in use.</summary>
    public OpenAiTranscriptionOptions Server => _server;

    /// <summary>The recognizer (built on first access), or null when no endpoint is configured or the client cannot be built (see <see cref="Describe"/>).</summary>
    public SpeechToTextUtteranceRecognizer? Recognizer => IsConfigured ? _recognizer.Value : null;

    /// <summary>One line for the health page: the server and model in use, or why this engine is not running.</summary>
    public string Describe() =>
        !IsConfigured ? $"{OpenAiTranscriptionOptions.SectionName}:Endpoint is not set"
        : Recognizer is { } recognizer ? recognizer.ModelDescription + (_server.PartialDecodes
            ? $", partial transcripts every {_options.PartialIntervalMs} ms"
            : $", finals only ({OpenAiTranscriptionOptions.SectionName}:PartialDecodes is off)")
        : _loadError!;

    public void Dispose()
    {
        if (_recognizer.IsValueCreated)
        {
            _recognizer.Value?.Dispose();
        }
    }

    private SpeechToTextUtteranceRecognizer? Create()
    {
        try
        {
            var client = new OpenAiCompatibleSpeechToTextClient(_server);
            return new SpeechToTextUtteranceRecognizer(
                client, _options, Name, _server.PartialDecodes, ownsClient: true, _loggerFactory?.CreateLogger<SpeechToTextUtteranceRecognizer>());
        }
        catch (ArgumentException ex)
        {
            // A bad URL; option validation reports it at start, this keeps a host without validation from crashing.
            _loadError = ex.Message;
            return null;
        }
    }
}
