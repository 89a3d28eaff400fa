using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.Pipeline.Live;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Telemetry;

namespace WebAvatar.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Conversation pipeline: LLM client (or echo mode), session factory, the app's meter and activity source
    /// (<see cref="WebAvatarTelemetry"/>), options "Pipeline" and "Llm".
    /// </summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<WebAvatarTelemetry>();
        // Chat clients live as long as the app and keep their HttpClient: connections are renewed by the pool instead of
        // by handler rotation. The logging layer of each chat client replaces the per-request HTTP logs.
        services.AddHttpClient(ChatClientFactory.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton<ChatClientFactory>();
        services.AddSingleton<LlmClientProvider>();
        services.AddSingleton<ConversationSessionFactory>();
        return services;
    }

    /// <summary>
    /// Live sessions: the one <see cref="SessionRegistry"/> (admission, leases, grace; options "Sessions"). Needs AddPipeline,
    /// AddMedia and AddSpeechRecognition, and an <see cref="ISessionProfileResolver"/> from the app. <see cref="SessionTelemetry"/>
    /// observes the sessions once something resolves it (the web app does at start).
    /// </summary>
    public static IServiceCollection AddLiveSessions(this IServiceCollection services)
    {
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionOptions>, SessionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<SessionTelemetry>();
        return services;
    }
}
