using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OllamaSharp;
using OpenAI;
using WebAvatar.Pipeline.Options;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// Builds the app's <see cref="IChatClient"/> from <see cref="LlmOptions"/> and decides, once at start,
/// whether the configured endpoint answers; otherwise the app runs in echo mode and says why.
/// </summary>
public sealed class ChatClientFactory(IOptions<LlmOptions> options, ILogger<ChatClientFactory> logger)
{
    private readonly LlmOptions _options = options.Value;

    public async Task<(IChatClient Client, LlmStatus Status)> CreateAsync(CancellationToken cancellationToken)
    {
        if (_options.Provider == LlmProvider.None)
        {
            return Echo("no LLM configured (set Llm:Provider, Llm:Endpoint and Llm:Model)");
        }

        if (!Uri.TryCreate(_options.Endpoint, UriKind.Absolute, out var endpoint))
        {
            return Echo($"Llm:Endpoint '{_options.Endpoint}' is not an absolute URL");
        }

        if (string.IsNullOrWhiteSpace(_options.Model))
        {
            return Echo("Llm:Model is empty");
        }

        var probe = await ProbeAsync(endpoint, cancellationToken).ConfigureAwait(false);
        if (probe is not null)
        {
            return Echo($"{_options.Provider} endpoint {endpoint} unreachable: {probe}");
        }

        IChatClient client = _options.Provider switch
        {
            LlmProvider.OpenAI => new OpenAIClient(
                    new ApiKeyCredential(string.IsNullOrEmpty(_options.ApiKey) ? "not-needed" : _options.ApiKey),
                    new OpenAIClientOptions { Endpoint = endpoint })
                .GetChatClient(_options.Model)
                .AsIChatClient(),
            LlmProvider.Ollama => new OllamaApiClient(endpoint, _options.Model),
            _ => throw new InvalidOperationException($"Unknown LLM provider {_options.Provider}"),
        };
        logger.LogInformation("LLM: {Provider} model {Model} at {Endpoint}", _options.Provider, _options.Model, endpoint);
        return (client, new LlmStatus(_options.Provider.ToString().ToLowerInvariant(), _options.Model, false, endpoint.ToString()));
    }

    private (IChatClient, LlmStatus) Echo(string reason)
    {
        logger.LogWarning("Echo mode: {Reason}", reason);
        return (new EchoChatClient(), new LlmStatus(EchoChatClient.ProviderName, string.Empty, true, reason));
    }

    /// <summary>Returns null when the endpoint answers, else the reason.</summary>
    private async Task<string?> ProbeAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var path = _options.Provider == LlmProvider.Ollama ? "api/tags" : "models";
        var url = new Uri(endpoint.ToString().TrimEnd('/') + "/" + path);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds) };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (!string.IsNullOrEmpty(_options.ApiKey))
            {
                request.Headers.Authorization = new("Bearer", _options.ApiKey);
            }

            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} from {url}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ex.Message;
        }
    }
}
