using Microsoft.Extensions.AI;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// The LLM stand-in when none is configured or reachable: replies with the user's last message,
/// streamed word by word like a real model so the rest of the pipeline behaves the same.
/// </summary>
public sealed class EchoChatClient() : WordStreamingChatClient(ProviderName)
{
    public const string ProviderName = "echo";

    protected override string ReplyTo(IEnumerable<ChatMessage> messages) =>
        messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
}
