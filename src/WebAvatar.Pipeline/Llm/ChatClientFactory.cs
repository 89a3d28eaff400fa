using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OllamaSharp;
using OpenAI;
using WebAvatar.Pipeline.Options;

namespace WebAvatar.Pipeline.Llm;

/// <summary>
/// Builds the app's <see cref="IChatClient"/> from <see cref="LlmOptions"/> and decides, once at start,
/// whether the configured endpoint answers; otherwise the app runs in echo mode and says why. Every client it returns,
/// echo and scripted included, goes through <see cref="ChatClientBuilder"/> with the logging and OpenTelemetry layers
/// (source and meter <see cref="TelemetrySource"/>); HTTP goes through <see cref="IHttpClientFactory"/> (client <see cref="HttpClientName"/>).
/// </summary>
public sealed class ChatClientFactory(IOptions<LlmOptions> options, IHttpClientFactory httpClients, ILoggerFactory loggers)
{
    /// <summary>The named <see cref="HttpClient"/> for the probe and the model's requests (see <see cref="PipelineServiceCollectionExtensions.AddPipeline"/>).</summary>
    public const string HttpClientName = "WebAvatar.Llm";

    /// <summary>ActivitySource and Meter name of the LLM layer (gen_ai.* spans and metrics of Microsoft.Extensions.AI).</summary>
    public const string TelemetrySource = "WebAvatar.Llm";

    private readonly LlmOptions _options = options.Value;
    private readonly ILogger _logger = loggers.CreateLogger<ChatClientFactory>();

    public Task<(IChatClient Client, LlmStatus Status)> CreateAsync(CancellationToken cancellationToken) => CreateAsync(_options, cancellationToken);

    /// <summary>Builds a client for <paramref name="settings"/> (the app's, or a persona's endpoint/model).</summary>
    public async Task<(IChatClient Client, LlmStatus Status)> CreateAsync(LlmOptions settings, CancellationToken cancellationToken)
    {
        if (settings.Provider == LlmProvider.None)
        {
            return Echo("no LLM configured (set Llm:Provider, Llm:Endpoint and Llm:Model)");
        }

        if (settings.Provider == LlmProvider.Scripted)
        {
            _logger.LogWarning("LLM: scripted reply (benchmark/demo mode): every answer is \"{Reply}\"", settings.ScriptedReply);
            return (Instrument(new ScriptedChatClient(settings.ScriptedReply, TimeSpan.FromMilliseconds(settings.ScriptedFirstTokenMs))), new LlmStatus(ScriptedChatClient.ProviderName, string.Empty, false, "scripted reply (Llm:ScriptedReply), for benchmarks and demos"));
        }

        if (!Uri.TryCreate(settings.Endpoint, UriKind.Absolute, out var endpoint))
        {
            return Echo($"Llm:Endpoint '{settings.Endpoint}' is not an absolute URL");
        }

        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            return Echo("Llm:Model is empty");
        }

        var probe = await ProbeAsync(settings, endpoint, cancellationToken).ConfigureAwait(false);
        if (probe is not null)
        {
            return Echo($"{settings.Provider} endpoint {endpoint} unreachable: {probe}");
        }

        IChatClient client = settings.Provider switch
        {
            LlmProvider.OpenAI => new OpenAIClient(
                    new ApiKeyCredential(string.IsNullOrEmpty(settings.ApiKey) ? "not-needed" : settings.ApiKey),
                    new OpenAIClientOptions { Endpoint = endpoint, Transport = new HttpClientPipelineTransport(httpClients.CreateClient(HttpClientName)) })
                .GetChatClient(settings.Model)
                .AsIChatClient(),
            LlmProvider.Ollama => new OllamaApiClient(OllamaHttp(endpoint), settings.Model),
            _ => throw new InvalidOperationException($"Unknown LLM provider {settings.Provider}"),
        };
        client = Instrument(client);
        _logger.LogInformation("LLM: {Provider} model {Model} at {Endpoint}", settings.Provider, settings.Model, endpoint);
        return (client, new LlmStatus(settings.Provider.ToString().ToLowerInvariant(), settings.Model, false, endpoint.ToString()));
    }

    /// <summary>The layers every client gets: logging (Debug: calls, Trace: content) and OpenTelemetry (gen_ai spans and metrics, no message content).</summary>
    private IChatClient Instrument(IChatClient inner) =>
        new ChatClientBuilder(inner)
            .UseLogging(loggers)
            .UseOpenTelemetry(loggers, TelemetrySource)
            .Build();

    private HttpClient OllamaHttp(Uri endpoint)
    {
        var http = httpClients.CreateClient(HttpClientName);
        http.BaseAddress = endpoint;
        return http;
    }

    /// <summary>An echo client for a session that asked for echo mode (<paramref name="reason"/> says so on its status).</summary>
    public (IChatClient Client, LlmStatus Status) CreateEcho(string reason) =>
        (Instrument(new EchoChatClient()), new LlmStatus(EchoChatClient.ProviderName, string.Empty, true, reason));

    private (IChatClient, LlmStatus) Echo(string reason)
    {
        _logger.LogWarning("Echo mode: {Reason}", reason);
        return CreateEcho(reason);
    }

    /// <summary>A copy of the app's settings with a persona's endpoint and model (same provider, key and timeouts).</summary>
    public LlmOptions WithEndpoint(string endpoint, string model)
    {
        var settings = _options.Clone();
        // A persona with its own endpoint wants a real model, even when the app runs without one or scripted.
        settings.Provider = _options.Provider is LlmProvider.None or LlmProvider.Scripted ? LlmProvider.OpenAI : _options.Provider;
        settings.Endpoint = endpoint;
        settings.Model = string.IsNullOrWhiteSpace(model) ? _options.Model : model;
        return settings;
    }

    /// <summary>Returns null when the endpoint answers, else the reason.</summary>
    private async Task<string?> ProbeAsync(LlmOptions settings, Uri endpoint, CancellationToken cancellationToken)
    {
        var path = settings.Provider == LlmProvider.Ollama ? "api/tags" : "models";
        var url = new Uri(endpoint.ToString().TrimEnd('/') + "/" + path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds));
        var http = httpClients.CreateClient(HttpClientName);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (!string.IsNullOrEmpty(settings.ApiKey))
            {
                request.Headers.Authorization = new("Bearer", settings.ApiKey);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} from {url}";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {settings.ConnectTimeoutSeconds} s (Llm:ConnectTimeoutSeconds)";
        }
    }
}
