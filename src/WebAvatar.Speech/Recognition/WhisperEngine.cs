using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// The application's Whisper instance: locates the model once, loads it on first use and says why voice input is
/// disabled when there is none. Thread-safe singleton.
/// </summary>
public sealed class WhisperEngine : IDisposable
{
    private readonly WhisperOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<WhisperRecognizer?> _recognizer;
    private string? _loadError;

    public WhisperEngine(IOptions<WhisperOptions> options, WhisperModelLocator locator, ILogger<WhisperEngine>? logger = null)
    {
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // No warning when there is no model: Whisper.net may be the engine in use, and the selector logs the outcome.
        Status = locator.Locate();

        _recognizer = new Lazy<WhisperRecognizer?>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>What was found on disk (for the health page).</summary>
    public WhisperModelStatus Status { get; }

    public WhisperOptions Options => _options;

    /// <summary>True when a model was found and loads; loads it on first access.</summary>
    public bool IsAvailable => Status.Available && _recognizer.Value is not null;

    /// <summary>One line for the health page: the model in use or why voice input is off.</summary>
    public string Describe() => _loadError ?? Status.Message;

    /// <summary>The loaded recogniser; throws <see cref="InvalidOperationException"/> with the reason when voice input is disabled.</summary>
    public WhisperRecognizer GetRecognizer() =>
        (Status.Available ? _recognizer.Value : null) ?? throw new InvalidOperationException(Describe());

    public void Dispose()
    {
        if (_recognizer.IsValueCreated)
        {
            _recognizer.Value?.Dispose();
        }
    }

    private WhisperRecognizer? Load()
    {
        var files = Status.Files!;
        try
        {
            var model = WhisperOnnxModel.Load(files, _options, _logger);
            _logger.LogInformation(
                "Whisper loaded: {Model} ({Layers} decoder layers, {Heads} heads, {Mels} mel bands)",
                files.Describe(), model.DecoderLayers, model.Heads, model.MelBins);
            return new WhisperRecognizer(model, _options) { ModelDescription = files.Describe() };
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or UnauthorizedAccessException)
        {
            _loadError = $"voice input disabled: {files.Describe()} failed to load: {ex.Message}";
            _logger.LogError(ex, "{Message}", _loadError);
            return null;
        }
    }
}
