using Microsoft.Extensions.AI;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// An instant LLM for benchmarks and demos (<c>Llm:Provider = "Scripted"</c>): whatever the user says, it streams
/// the configured reply word by word, at once or after a set time to first token (a stand-in for a real model's), so
/// latency measurements control model time and the rest of the pipeline sees a normal token stream.
/// </summary>
public sealed class ScriptedChatClient : WordStreamingChatClient
{
    public const string ProviderName = "scripted";

    public ScriptedChatClient(string reply, TimeSpan firstToken = default)
        : base(ProviderName, firstToken)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            throw new ArgumentException("The scripted reply is empty: set Llm:ScriptedReply to the sentence the avatar should answer.", nameof(reply));
        }

        Reply = reply;
    }

    public string Reply { get; }

    protected override string ReplyTo(IEnumerable<ChatMessage> messages) => Reply;
}
