using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.OpenAiCompatible;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech;

public static class SpeechRecognitionServiceCollectionExtensions
{
    /// <summary>
    /// Registers voice input: options from the "Vad" and "Whisper" sections (validated at start; "Asr:OpenAiCompatible"
    /// too when Whisper:Engine is openai, or auto with an endpoint set), the Silero/energy VAD factory, the engines
    /// (ONNX and Whisper.net: models located at start, the chosen one loaded on first use; the OpenAI-compatible
    /// transcription server: client built on first use) and the <see cref="UtteranceRecognizerSelector"/> that picks
    /// one (Whisper:Engine), the <see cref="ISpeechToTextClient"/> over that same engine
    /// (<see cref="RecognizerSpeechToTextClient"/>) and the per-session <see cref="StreamingTranscriberFactory"/>.
    /// </summary>
    public static IServiceCollection AddSpeechRecognition(this IServiceCollection services)
    {
        // Hand-written: the thresholds' order crosses fields.
        services.AddOptions<VadOptions>().BindConfiguration(VadOptions.SectionName)
            .Validate(o => o.NegativeThreshold < o.Threshold, "Vad:NegativeThreshold must be below Vad:Threshold.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VadOptions>, VadOptionsValidator>());
        // Hand-written: the engine names come from WhisperOptions.Engines (trimmed, any case); the server check reads another section.
        services.AddOptions<WhisperOptions>().BindConfiguration(WhisperOptions.SectionName)
            .Validate(o => WhisperOptions.Engines.Contains(o.Engine.Trim(), StringComparer.OrdinalIgnoreCase), $"Whisper:Engine must be one of: {string.Join(", ", WhisperOptions.Engines)}.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WhisperOptions>, WhisperOptionsValidator>());
        services.AddOptions<OpenAiTranscriptionOptions>().BindConfiguration(OpenAiTranscriptionOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WhisperOptions>, WhisperServerValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VoiceActivityDetectorFactory>();
        services.TryAddSingleton<WhisperModelLocator>();
        services.TryAddSingleton<WhisperEngine>();
        services.TryAddSingleton<WhisperGgmlModelLocator>();
        services.TryAddSingleton<WhisperNetEngine>();
        services.TryAddSingleton<OpenAiTranscriptionEngine>();
        services.TryAddSingleton<UtteranceRecognizerSelector>();
        services.TryAddSingleton<ISpeechToTextClient, RecognizerSpeechToTextClient>();
        services.TryAddSingleton<StreamingTranscriberFactory>();
        return services;
    }
}
