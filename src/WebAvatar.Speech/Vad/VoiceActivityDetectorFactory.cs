using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Vad;

/// <summary>
/// Creates one <see cref="VoiceActivityDetector"/> per audio stream over a shared classifier: Silero VAD v5 when
/// <see cref="VadOptions.ModelPath"/> exists, otherwise the energy fallback (with a warning, once). Thread-safe.
/// </summary>
public sealed class VoiceActivityDetectorFactory : IDisposable
{
    private readonly VadOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<IVoiceProbabilityModel> _model;

    public VoiceActivityDetectorFactory(IOptions<VadOptions> options, ILogger<VoiceActivityDetectorFactory>? logger = null)
    {
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _model = new Lazy<IVoiceProbabilityModel>(LoadModel, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Name of the classifier in use; loads it on first access.</summary>
    public string EngineName => _model.Value.Name;

    public VadOptions Options => _options;

    public VoiceActivityDetector Create() => new(_model.Value.CreateStream(), _options, _model.Value.Name);

    public void Dispose()
    {
        if (_model.IsValueCreated && _model.Value is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private IVoiceProbabilityModel LoadModel()
    {
        var path = AppPaths.Resolve(_options.ModelPath);
        if (!File.Exists(path))
        {
            _logger.LogWarning(
                "Silero VAD model not found at {Path}: using the energy-based voice detector (less robust to noise). Run scripts/setup.sh to fetch it.",
                path);
            return new EnergyVoiceProbabilityModel(_options.EnergyThresholdDbfs);
        }

        var model = new SileroVadModel(path, _logger, _options.UseCuda);
        _logger.LogInformation("Voice activity detection: Silero VAD v5 from {Path}", path);
        return model;
    }
}
