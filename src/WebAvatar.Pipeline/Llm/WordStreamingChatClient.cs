using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// A local stand-in model: streams its reply word by word, yielding between words like a network model's token
/// stream, so the segmenter, TTS and timing code downstream behave as with a real LLM. Subclasses pick the reply.
/// </summary>
/// <param name="firstToken">Time before the first word (0: at once).</param>
public abstract class WordStreamingChatClient(string providerName, TimeSpan firstToken = default) : IChatClient
{
    /// <summary>The text to answer <paramref name="messages"/> with (called once per request).</summary>
    protected abstract string ReplyTo(IEnumerable<ChatMessage> messages);

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
        // At least the set time: the timer behind Task.Delay may fire a millisecond early.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var left = firstToken; left > TimeSpan.Zero; left = firstToken - System.Diagnostics.Stopwatch.GetElapsedTime(started))
        {
            await Task.Delay(left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left, cancellationToken).ConfigureAwait(false);
        }

        foreach (var piece in WordPieces.SplitKeepingSpaces(ReplyTo(messages)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = responseId, ModelId = providerName };
            // Yield so a consumer sees a stream of updates, not one synchronous burst.
            await Task.Yield();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(providerName, null, providerName)
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => GC.SuppressFinalize(this);
}
