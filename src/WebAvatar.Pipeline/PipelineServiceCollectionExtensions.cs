using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>Conversation pipeline: LLM client (or echo mode), session factory, options "Pipeline" and "Llm".</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChatClientFactory>();
        services.AddSingleton<LlmClientProvider>();
        services.AddSingleton<ConversationSessionFactory>();
        return services;
    }
}
