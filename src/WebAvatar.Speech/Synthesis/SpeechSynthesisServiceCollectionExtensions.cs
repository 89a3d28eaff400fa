using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.OpenAiCompatible;
using WebAvatar.Speech.Synthesis;
using WebAvatar.Speech.Synthesis.Espeak;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Speech;

public static class SpeechSynthesisServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start) the "Tts" section and registers the selected engine as the singleton
    /// <see cref="ITextToSpeechClient"/> (espeak, piper or openai) plus <see cref="ITtsCatalog"/> for the health page.
    /// </summary>
    public static IServiceCollection AddSpeechSynthesis(this IServiceCollection services)
    {
        services.AddOptions<TtsOptions>().BindConfiguration(TtsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TtsOptions>, TtsOptionsValidator>());
        // Hand-written: what the selected engine needs crosses fields (and checks voices on disk).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TtsOptions>, TtsEngineValidator>());
        services.TryAddSingleton<ITtsCatalog, TtsCatalog>();
        services.TryAddSingleton(CreateClient);
        return services;
    }

    private static ITextToSpeechClient CreateClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<TtsOptions>>().Value;
        return options.Engine.ToLowerInvariant() switch
        {
            TtsEngines.Espeak => new EspeakTextToSpeechClient(options.Voice, options.MaxTextLength, options.Speed, options.Pitch),
            TtsEngines.Piper => new PiperTextToSpeechClient(
                options.Piper, options.Voice, options.MaxTextLength, options.Speed, services.GetService<ILoggerFactory>()?.CreateLogger<PiperTextToSpeechClient>()),
            TtsEngines.OpenAi => new OpenAiCompatibleTextToSpeechClient(options),
            _ => throw new InvalidOperationException($"Tts:Engine '{options.Engine}' is not one of espeak, piper, openai."),
        };
    }
}
