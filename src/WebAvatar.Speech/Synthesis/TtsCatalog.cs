using Microsoft.Extensions.Options;
using WebAvatar.Speech.Synthesis.Espeak;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Speech.Synthesis;

/// <summary>Lists engines and voices from what is installed: espeak-ng's voice list, the Piper model folder, the configured HTTP provider.</summary>
public sealed class TtsCatalog(IOptions<TtsOptions> options) : ITtsCatalog
{
    private readonly TtsOptions _options = options.Value;

    public string ActiveEngine => _options.Engine.ToLowerInvariant();

    public IReadOnlyList<TtsEngineInfo> GetEngines()
    {
        var engines = new List<TtsEngineInfo>();
        try
        {
            var runtime = EspeakRuntime.Shared;
            engines.Add(new TtsEngineInfo(TtsEngines.Espeak, true, IsActive(TtsEngines.Espeak), $"libespeak-ng, {runtime.NativeSampleRate} Hz, {runtime.Voices.Count} voices"));
        }
        catch (InvalidOperationException ex)
        {
            engines.Add(new TtsEngineInfo(TtsEngines.Espeak, false, IsActive(TtsEngines.Espeak), ex.Message));
        }

        var piperVoices = PiperVoiceNames();
        string folder = AppPaths.Resolve(_options.Piper.ModelDirectory);
        engines.Add(new TtsEngineInfo(
            TtsEngines.Piper, piperVoices.Count > 0, IsActive(TtsEngines.Piper),
            piperVoices.Count > 0 ? $"{piperVoices.Count} voices in {folder}" : $"no <voice>.onnx + .onnx.json in {folder}"));

        bool configured = !string.IsNullOrWhiteSpace(_options.Endpoint);
        engines.Add(new TtsEngineInfo(
            TtsEngines.OpenAi, configured, IsActive(TtsEngines.OpenAi),
            configured ? $"{_options.Endpoint} model {_options.Model}" : "Tts:Endpoint is not set"));
        return engines;
    }

    public IReadOnlyList<TtsVoiceInfo> GetVoices(string engine)
    {
        switch (engine.ToLowerInvariant())
        {
            case TtsEngines.Espeak:
                try
                {
                    return EspeakRuntime.Shared.Voices.Select(v => new TtsVoiceInfo(TtsEngines.Espeak, v.ShortName, v.Name, v.Languages)).ToArray();
                }
                catch (InvalidOperationException)
                {
                    return [];
                }

            case TtsEngines.Piper:
                return PiperVoiceNames().Select(DescribePiperVoice).ToArray();
            case TtsEngines.OpenAi:
                return string.IsNullOrWhiteSpace(_options.Endpoint)
                    ? []
                    : [new TtsVoiceInfo(TtsEngines.OpenAi, _options.Voice ?? OpenAiCompatible.OpenAiCompatibleTextToSpeechClient.DefaultVoice, "configured voice", [])];
            default:
                throw new ArgumentException($"Unknown TTS engine '{engine}': use espeak, piper or openai.", nameof(engine));
        }
    }

    private bool IsActive(string engine) => string.Equals(_options.Engine, engine, StringComparison.OrdinalIgnoreCase);

    private IReadOnlyList<string> PiperVoiceNames() => new PiperVoiceStore(AppPaths.Resolve(_options.Piper.ModelDirectory), 1).ListVoices();

    private TtsVoiceInfo DescribePiperVoice(string name)
    {
        try
        {
            var config = PiperVoiceConfig.Load(Path.Combine(AppPaths.Resolve(_options.Piper.ModelDirectory), name + ".onnx.json"));
            return new TtsVoiceInfo(TtsEngines.Piper, name, name, [config.LanguageCode ?? config.EspeakVoice]);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return new TtsVoiceInfo(TtsEngines.Piper, name, name + " (unreadable config: " + ex.Message + ")", []);
        }
    }
}
