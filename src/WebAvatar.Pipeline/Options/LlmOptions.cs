using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Pipeline.Options;

public enum LlmProvider
{
    /// <summary>No LLM: echo mode speaks the user's own words.</summary>
    None,

    /// <summary>Any OpenAI-compatible /v1/chat/completions endpoint (OpenAI, vLLM, llama.cpp server, LM Studio...).</summary>
    OpenAI,

    /// <summary>A local Ollama server.</summary>
    Ollama,

    /// <summary>For benchmarks and demos: answers every message instantly with <see cref="LlmOptions.ScriptedReply"/>.</summary>
    Scripted,
}

public sealed class LlmOptions : IValidatableObject
{
    public const string SectionName = "Llm";

    public LlmProvider Provider { get; set; } = LlmProvider.None;

    /// <summary>Base URL, e.g. https://api.openai.com/v1 or http://localhost:11434.</summary>
    public string Endpoint { get; set; } = string.Empty;

    public string Model { get; set; } = string.Empty;

    public string ApiKey { get; set; } = string.Empty;

    [Required(AllowEmptyStrings = true)]
    public string SystemPrompt { get; set; } = "You are a friendly digital human. Answer briefly, in one to three short spoken sentences.";

    /// <summary>How long the start-up reachability probe waits before falling back to echo mode.</summary>
    [Range(1, 60)]
    public int ConnectTimeoutSeconds { get; set; } = 3;

    /// <summary>Chat turns kept as context (user + assistant messages).</summary>
    [Range(0, 200)]
    public int HistoryMessages { get; set; } = 20;

    /// <summary>
    /// The reply of the <see cref="LlmProvider.Scripted"/> provider, streamed word by word whatever the user says
    /// (benchmarks use it so LLM time is excluded from the latency figures).
    /// </summary>
    public string ScriptedReply { get; set; } = string.Empty;

    /// <summary>
    /// How long the <see cref="LlmProvider.Scripted"/> provider waits before its first word: 0 (instant) leaves model time
    /// out of latency figures; a few hundred ms stands in for a real model's time to first token.
    /// </summary>
    [Range(0, 60_000)]
    public int ScriptedFirstTokenMs { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == LlmProvider.Scripted && string.IsNullOrWhiteSpace(ScriptedReply))
        {
            yield return new ValidationResult("Llm:Provider is Scripted but Llm:ScriptedReply is empty: set the sentence the avatar should answer.", [nameof(ScriptedReply)]);
        }
    }

    /// <summary>A copy to adjust for one persona without touching the app's settings.</summary>
    public LlmOptions Clone() => (LlmOptions)MemberwiseClone();
}

/// <summary>The attribute rules of <see cref="LlmOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class LlmOptionsValidator : IValidateOptions<LlmOptions>;
