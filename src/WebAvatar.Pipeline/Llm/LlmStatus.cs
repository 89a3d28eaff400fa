namespace WebAvatar.Pipeline.Llm;

/// <summary>What answers the user, for the UI and the health page.</summary>
/// <param name="Provider">"openai", "ollama" or "echo".</param>
/// <param name="Model">Model id, empty in echo mode.</param>
/// <param name="IsEcho">True when replies just repeat the user (no LLM configured or reachable).</param>
/// <param name="Reason">Why echo mode is active, or the endpoint in use.</param>
public sealed record LlmStatus(string Provider, string Model, bool IsEcho, string Reason);
