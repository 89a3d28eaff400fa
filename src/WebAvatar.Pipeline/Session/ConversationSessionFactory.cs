using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;

namespace WebAvatar.Pipeline.Session;

/// <summary>Builds sessions from the app's shared engines; each session gets its own avatar renderer.</summary>
public sealed class ConversationSessionFactory(
    LlmClientProvider llm,
    ITextToSpeechClient tts,
    IEnumerable<IAvatarRendererFactory> renderers,
    IOptions<PipelineOptions> options,
    IOptions<LlmOptions> llmOptions,
    ILoggerFactory loggers)
{
    /// <param name="systemPrompt">A persona's prompt; null or empty keeps Llm:SystemPrompt.</param>
    /// <param name="llmEndpoint">A persona's own OpenAI-compatible/Ollama endpoint; null or empty uses the app's LLM.</param>
    /// <param name="llmModel">The model at <paramref name="llmEndpoint"/>.</param>
    public async Task<ConversationSession> CreateAsync(
        string avatarPath,
        string lipSyncEngine,
        TextToSpeechOptions voice,
        CancellationToken cancellationToken,
        string? systemPrompt = null,
        string? llmEndpoint = null,
        string? llmModel = null)
    {
        var (client, status) = await llm.GetAsync(llmEndpoint, llmModel, cancellationToken).ConfigureAwait(false);
        var factory = SelectRenderer(lipSyncEngine);
        var renderer = await factory.CreateAsync(avatarPath, cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("N")[..12];
        var llmSettings = llmOptions.Value;
        if (!string.IsNullOrWhiteSpace(systemPrompt))
        {
            llmSettings = llmSettings.Clone();
            llmSettings.SystemPrompt = systemPrompt;
        }

        return new ConversationSession(id, client, status, tts, voice, renderer, options.Value, llmSettings, loggers.CreateLogger<ConversationSession>());
    }

    /// <summary>"auto" picks the first available engine in registration order (model-based engines register first).</summary>
    public IAvatarRendererFactory SelectRenderer(string engine)
    {
        var all = renderers.ToList();
        if (all.Count == 0)
        {
            throw new InvalidOperationException("No lip-sync engine is registered.");
        }

        if (string.IsNullOrEmpty(engine) || engine.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return all.FirstOrDefault(r => r.IsAvailable) ?? all[^1];
        }

        var chosen = all.FirstOrDefault(r => r.EngineName.Equals(engine, StringComparison.OrdinalIgnoreCase))
            ?? throw new AvatarException($"Unknown lip-sync engine '{engine}'. Known: {string.Join(", ", all.Select(r => r.EngineName))}.");
        return chosen.IsAvailable ? chosen : throw new AvatarException($"Lip-sync engine '{engine}' is not available (its model files are missing).");
    }
}
