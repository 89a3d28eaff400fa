using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.Pipeline.Live;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>Conversation pipeline: LLM client (or echo mode), session factory, options "Pipeline" and "Llm".</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        services.AddSingleton<ChatClientFactory>();
        services.AddSingleton<LlmClientProvider>();
        services.AddSingleton<ConversationSessionFactory>();
        return services;
    }

    /// <summary>
    /// Live sessions: the one <see cref="SessionRegistry"/> (admission, leases, grace; options "Sessions"). Needs AddPipeline,
    /// AddMedia and AddSpeechRecognition, and an <see cref="ISessionProfileResolver"/> from the app.
    /// </summary>
    public static IServiceCollection AddLiveSessions(this IServiceCollection services)
    {
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionOptions>, SessionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SessionRegistry>();
        return services;
    }
}
