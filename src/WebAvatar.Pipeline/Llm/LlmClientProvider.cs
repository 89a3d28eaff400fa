using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// Creates each chat client once (probing its endpoint) and shares it between sessions: the app's configured
/// one, and one per distinct persona endpoint/model.
/// </summary>
public sealed class LlmClientProvider(ChatClientFactory factory)
{
    private readonly Lazy<Task<(IChatClient Client, LlmStatus Status)>> _default = new(() => factory.CreateAsync(CancellationToken.None));
    private readonly ConcurrentDictionary<(string Endpoint, string Model), Lazy<Task<(IChatClient Client, LlmStatus Status)>>> _personas = new();

    public Task<(IChatClient Client, LlmStatus Status)> GetAsync(CancellationToken cancellationToken) =>
        _default.Value.WaitAsync(cancellationToken);

    /// <summary>An echo client (instrumented like the others) for a session that asked for echo mode.</summary>
    public (IChatClient Client, LlmStatus Status) Echo(string reason) => factory.CreateEcho(reason);

    /// <summary>The client for a persona's endpoint/model; an empty endpoint means the app's configured LLM.</summary>
    public Task<(IChatClient Client, LlmStatus Status)> GetAsync(string? endpoint, string? model, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return GetAsync(cancellationToken);
        }

        var key = (endpoint.Trim(), model?.Trim() ?? string.Empty);
        var client = _personas.GetOrAdd(key, k => new(() => factory.CreateAsync(factory.WithEndpoint(k.Endpoint, k.Model), CancellationToken.None)));
        return client.Value.WaitAsync(cancellationToken);
    }
}
