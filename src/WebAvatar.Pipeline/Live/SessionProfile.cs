using Microsoft.Extensions.AI;
using WebAvatar.Sessions;

namespace WebAvatar.Pipeline.Live;

/// <summary>Everything a new session needs to know about its avatar, voice and persona, resolved from a <see cref="SessionSpec"/>.</summary>
/// <param name="AvatarId">The dashboard's avatar id, or null for the configured avatar file.</param>
/// <param name="SystemPrompt">The persona's prompt; null keeps Llm:SystemPrompt.</param>
/// <param name="Greeting">Said once when the first viewer connects; null says nothing.</param>
/// <param name="LlmEndpoint">A persona's own OpenAI-compatible/Ollama endpoint; null uses the app's LLM.</param>
/// <param name="Background">Whether the avatar's background is kept, removed or replaced; null keeps it.</param>
public sealed record SessionProfile(
    string AvatarPath,
    string LipSyncEngine,
    TextToSpeechOptions Voice,
    string? AvatarId = null,
    string? AvatarName = null,
    string? SystemPrompt = null,
    string? Greeting = null,
    string? LlmEndpoint = null,
    string? LlmModel = null,
    WebAvatar.LipSync.AvatarBackground? Background = null);

/// <summary>
/// Turns a request into a profile: the named avatar (with its voice and persona), or the default one. Implemented by the app
/// (the dashboard's database). Throws <see cref="SessionRequestException"/> for an avatar that does not exist or is not ready.
/// </summary>
public interface ISessionProfileResolver
{
    Task<SessionProfile> ResolveAsync(SessionSpec spec, CancellationToken cancellationToken);
}
