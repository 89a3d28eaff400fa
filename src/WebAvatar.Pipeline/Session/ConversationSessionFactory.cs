using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Live;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Telemetry;
using WebAvatar.Sessions;

namespace WebAvatar.Pipeline.Session;

/// <summary>Builds sessions from the app's shared engines; each session gets its own avatar renderer.</summary>
public sealed class ConversationSessionFactory(
    LlmClientProvider llm,
    ITextToSpeechClient tts,
    IEnumerable<IAvatarRendererFactory> renderers,
    IOptions<PipelineOptions> options,
    IOptions<LlmOptions> llmOptions,
    ILoggerFactory loggers,
    WebAvatarTelemetry telemetry)
{
    /// <summary>
    /// A conversation for <paramref name="profile"/>; <see cref="SessionMode.Echo"/> repeats the user instead of asking the LLM.
    /// <paramref name="id"/> names it (a cluster front door chooses it before placing the session); null draws a new one.
    /// </summary>
    public async Task<ConversationSession> CreateAsync(SessionProfile profile, SessionMode mode, CancellationToken cancellationToken, string? id = null)
    {
        var (client, status) = mode == SessionMode.Echo
            ? llm.Echo("echo mode requested for this session")
            : await llm.GetAsync(profile.LlmEndpoint, profile.LlmModel, cancellationToken).ConfigureAwait(false);
        var factory = SelectRenderer(profile.LipSyncEngine);
        var renderer = await factory.CreateAsync(profile.AvatarPath, profile.Background ?? AvatarBackground.Keep, cancellationToken).ConfigureAwait(false);
        id ??= SessionKeys.NewId();
        var llmSettings = llmOptions.Value;
        if (!string.IsNullOrWhiteSpace(profile.SystemPrompt))
        {
            llmSettings = llmSettings.Clone();
            llmSettings.SystemPrompt = profile.SystemPrompt;
        }

        return new ConversationSession(id, client, status, tts, profile.Voice, renderer, options.Value, llmSettings, loggers.CreateLogger<ConversationSession>(), telemetry);
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
