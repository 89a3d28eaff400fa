using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace WebAvatar.Pipeline.Tests.TestDoubles;

/// <summary>Test boundary LLM: streams scripted chunks; each chunk may wait on a gate the test controls.</summary>
internal sealed class ScriptedChatClient(params (string Text, Task? Gate)[] script) : IChatClient
{
    public bool Finished { get; private set; }

    public DateTime FinishedAt { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The pipeline must stream.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (text, gate) in script)
        {
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        Finished = true;
        FinishedAt = DateTime.UtcNow;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
