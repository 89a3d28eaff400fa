namespace WebAvatar.Pipeline.Llm;

/// <summary>Creates the chat client once (probing the endpoint) and shares it between sessions.</summary>
public sealed class LlmClientProvider(ChatClientFactory factory)
{
    private readonly Lazy<Task<(Microsoft.Extensions.AI.IChatClient Client, LlmStatus Status)>> _client =
        new(() => factory.CreateAsync(CancellationToken.None));

    public Task<(Microsoft.Extensions.AI.IChatClient Client, LlmStatus Status)> GetAsync(CancellationToken cancellationToken) =>
        _client.Value.WaitAsync(cancellationToken);
}
