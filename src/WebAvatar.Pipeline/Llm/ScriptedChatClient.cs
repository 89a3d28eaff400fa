using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// An instant LLM for benchmarks and demos (<c>Llm:Provider = "Scripted"</c>): whatever the user says, it streams
/// the configured reply at once, word by word, so latency measurements exclude model time and the rest of the
/// pipeline sees a normal token stream.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    public const string ProviderName = "scripted";

    private readonly string[] _pieces;

    public ScriptedChatClient(string reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            throw new ArgumentException("The scripted reply is empty: set Llm:ScriptedReply to the sentence the avatar should answer.", nameof(reply));
        }

        Reply = reply;
        _pieces = WordPieces.SplitKeepingSpaces(reply).ToArray();
    }

    public string Reply { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var responseId = Guid.NewGuid().ToString("N");
        foreach (var piece in _pieces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = responseId, ModelId = ProviderName };
            // Yield so a consumer sees a stream of updates (as from a network model), not one synchronous burst.
            await Task.Yield();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(ProviderName, null, ProviderName)
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
