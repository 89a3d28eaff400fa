using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech;

public static class SpeechRecognitionServiceCollectionExtensions
{
    /// <summary>
    /// Registers voice input: options from the "Vad" and "Whisper" sections (validated at start), the Silero/energy
    /// VAD factory, the Whisper engine (model located at start, loaded on first use), the
    /// <see cref="ISpeechToTextClient"/> and the per-session <see cref="StreamingTranscriberFactory"/>.
    /// </summary>
    public static IServiceCollection AddSpeechRecognition(this IServiceCollection services)
    {
        services.AddOptions<VadOptions>().BindConfiguration(VadOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.NegativeThreshold < o.Threshold, "Vad:NegativeThreshold must be below Vad:Threshold.")
            .ValidateOnStart();
        services.AddOptions<WhisperOptions>().BindConfiguration(WhisperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VoiceActivityDetectorFactory>();
        services.TryAddSingleton<WhisperModelLocator>();
        services.TryAddSingleton<WhisperEngine>();
        services.TryAddSingleton<ISpeechToTextClient, WhisperSpeechToTextClient>();
        services.TryAddSingleton<StreamingTranscriberFactory>();
        return services;
    }
}
