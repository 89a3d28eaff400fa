using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Chooses the recognizer every session uses from <see cref="WhisperOptions.Engine"/>: "whisper.net", "onnx", "openai"
/// (an OpenAI-compatible transcription server, "Asr:OpenAiCompatible"), or "auto": Whisper.net when a ggml model is
/// found, else ONNX Whisper when its folder is found, else the transcription server when its endpoint is set. Under
/// "auto" a local model always wins over a configured server (audio leaves the machine only when asked for, or when
/// there is no local model at all), and the health line then says the endpoint is unused. An explicitly chosen engine
/// that fails to load disables voice input; under "auto" a ggml model that fails to load falls back to ONNX Whisper
/// (then the server). Either way the health line names the engine that runs and the reason for anything else.
/// Decides (and loads the model) once, on first use; thread-safe singleton.
/// </summary>
public sealed partial class UtteranceRecognizerSelector
{
    private readonly WhisperOptions _options;
    private readonly WhisperNetEngine _whisperNet;
    private readonly WhisperEngine _onnx;
    private readonly OpenAiTranscriptionEngine _server;
    private readonly ILogger _logger;
    private readonly Lazy<RecognizerSelection> _selection;

    public UtteranceRecognizerSelector(
        IOptions<WhisperOptions> options,
        WhisperNetEngine whisperNet,
        WhisperEngine onnx,
        OpenAiTranscriptionEngine server,
        ILogger<UtteranceRecognizerSelector>? logger = null)
    {
        _options = options.Value;
        _whisperNet = whisperNet;
        _onnx = onnx;
        _server = server;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _selection = new Lazy<RecognizerSelection>(SelectCore, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public WhisperOptions Options => _options;

    /// <summary>The engine in use (loads it on the first call, which blocks for the model load).</summary>
    public RecognizerSelection Select() => _selection.Value;

    private RecognizerSelection SelectCore()
    {
        var engine = _options.Engine.Trim().ToLowerInvariant();
        var selection = engine switch
        {
            WhisperEngines.WhisperNet => UseWhisperNet() ?? Disabled($"Whisper:Engine is whisper.net but {_whisperNet.Describe()}"),
            WhisperEngines.Onnx => UseOnnx(null) ?? Disabled($"Whisper:Engine is onnx but {OnnxReason()}"),
            WhisperEngines.OpenAi => UseServer(null) ?? Disabled($"Whisper:Engine is openai but {_server.Describe()}"),
            _ => SelectAuto(),
        };
        if (selection.Active)
        {
            LogSelected(_logger, selection.Engine, engine, selection.Detail);
        }
        else
        {
            LogDisabled(_logger, engine, selection.Detail);
        }

        return selection;
    }

    private RecognizerSelection SelectAuto()
    {
        if (_whisperNet.ModelPath is null)
        {
            var noLocal = _onnx.Status.Available
                ? OnnxReason()
                : $"no Whisper model ({_whisperNet.Expected} for Whisper.net or {_options.ModelsRoot}/whisper-*/ for ONNX; run scripts/download-models.sh)";
            return NoteUnusedServer(UseOnnx(null)) ?? UseServer(noLocal) ?? Disabled(noLocal);
        }

        if (UseWhisperNet() is { } whisperNet)
        {
            return NoteUnusedServer(whisperNet)!;
        }

        var reason = $"Whisper.net: {_whisperNet.Describe()}";
        return NoteUnusedServer(UseOnnx(reason)) ?? UseServer($"{reason}; ONNX Whisper: {OnnxReason()}") ?? Disabled($"{reason}; ONNX Whisper: {OnnxReason()}");
    }

    /// <summary>Under "auto" a local model wins over a configured server: say so, so the endpoint is not silently ignored.</summary>
    private RecognizerSelection? NoteUnusedServer(RecognizerSelection? local) =>
        local is not null && _server.IsConfigured
            ? local with { Detail = $"{local.Detail} ({OpenAiCompatible.OpenAiTranscriptionOptions.SectionName}:Endpoint is set but unused: Whisper:Engine=auto prefers a local model; set it to openai to use the server)" }
            : local;

    private RecognizerSelection? UseServer(string? fallbackReason) =>
        _server.Recognizer is { } recognizer
            ? new RecognizerSelection(
                recognizer,
                recognizer.EngineName,
                $"voice input: {_server.Describe()}" + (fallbackReason is null ? string.Empty : $" (fallback: {fallbackReason})"))
            : null;

    private RecognizerSelection? UseWhisperNet() =>
        _whisperNet.Recognizer is { } recognizer
            ? new RecognizerSelection(recognizer, recognizer.EngineName, $"voice input: {recognizer.ModelDescription}")
            : null;

    private RecognizerSelection? UseOnnx(string? fallbackReason)
    {
        if (!_onnx.IsAvailable)
        {
            return null;
        }

        var recognizer = _onnx.GetRecognizer();
        var detail = $"voice input: {recognizer.ModelDescription}" + (fallbackReason is null ? string.Empty : $" (fallback: {fallbackReason})");
        return new RecognizerSelection(recognizer, recognizer.EngineName, detail);
    }

    private string OnnxReason() => _onnx.Describe().Replace("voice input disabled: ", string.Empty, StringComparison.Ordinal);

    private static RecognizerSelection Disabled(string reason) => new(null, RecognizerSelection.Disabled, $"Voice input disabled: {reason}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Speech recognition: {Engine} (Whisper:Engine={Setting}), {Detail}")]
    private static partial void LogSelected(ILogger logger, string engine, string setting, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech recognition off (Whisper:Engine={Setting}): {Detail}")]
    private static partial void LogDisabled(ILogger logger, string setting, string detail);
}
