using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Whisper.net;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// The application's Whisper.net instance: locates the ggml model at start, loads it (one <see cref="WhisperFactory"/>,
/// shared by every session) on first use and keeps the reason when it cannot. Thread-safe singleton; owns the factory.
/// </summary>
public sealed partial class WhisperNetEngine : IDisposable
{
    private readonly WhisperOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<WhisperNetRecognizer?> _recognizer;
    private WhisperFactory? _factory;
    private string? _loadError;

    public WhisperNetEngine(IOptions<WhisperOptions> options, WhisperGgmlModelLocator locator, ILogger<WhisperNetEngine>? logger = null)
    {
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ModelPath = locator.Locate();
        Expected = locator.Expected();
        _recognizer = new Lazy<WhisperNetRecognizer?>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The ggml model file found at start, or null.</summary>
    public string? ModelPath { get; }

    /// <summary>Where a model was looked for (for messages).</summary>
    public string Expected { get; }

    /// <summary>The loaded recognizer (loads on first access), or null when there is no model or it failed to load (see <see cref="Describe"/>).</summary>
    public WhisperNetRecognizer? Recognizer => ModelPath is null ? null : _recognizer.Value;

    /// <summary>One line for the health page: the model in use, or why Whisper.net is not running.</summary>
    public string Describe() =>
        ModelPath is null ? $"no ggml model at {Expected}"
        : _loadError ?? (_recognizer.IsValueCreated ? _recognizer.Value!.ModelDescription : $"{Path.GetFileName(ModelPath)} (not loaded yet)");

    public void Dispose()
    {
        if (_recognizer.IsValueCreated)
        {
            _recognizer.Value?.Dispose();
        }

        _factory?.Dispose();
    }

    private WhisperNetRecognizer? Load()
    {
        var path = ModelPath!;
        WhisperFactory? factory = null;
        try
        {
            factory = WhisperFactory.FromPath(path);

            // The factory defers failure to the first builder: ask for one now so a bad file is reported at load.
            _ = factory.CreateBuilder();
            _factory = factory;
            var recognizer = new WhisperNetRecognizer(factory, path, _options);

            // whisper.cpp's first decode in a process costs seconds of one-time set-up: pay it here, not on the user's first words.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            recognizer.TranscribeAsync(new float[16_000], RecognitionPass.Final, CancellationToken.None).GetAwaiter().GetResult();
            LogLoaded(_logger, path, WhisperFactory.GetRuntimeInfo() ?? "unknown runtime", clock.ElapsedMilliseconds);
            return recognizer;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The native loader reports a bad file, a missing runtime library or an unsupported CPU with assorted exception types.
            factory?.Dispose();
            _loadError = $"{Path.GetFileName(path)} failed to load: {ex.Message}";
            LogLoadFailed(_logger, ex, path, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Whisper.net loaded {Path} ({Runtime}); warm-up decode {WarmUpMs} ms")]
    private static partial void LogLoaded(ILogger logger, string path, string runtime, long warmUpMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Whisper.net could not load {Path}: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string path, string reason);
}
