using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;

namespace WebAvatar.Pipeline.Tests.Llm;

/// <summary>Every chat client the factory hands out is built with ChatClientBuilder: logging and OpenTelemetry layers, HTTP from IHttpClientFactory.</summary>
public class ChatClientPipelineTests
{
    [Theory]
    [InlineData(LlmProvider.None)]
    [InlineData(LlmProvider.Scripted)]
    public async Task Echo_and_scripted_clients_have_the_logging_and_telemetry_layers(LlmProvider provider)
    {
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug));
        var factory = TestChatClientFactory.Create(new LlmOptions { Provider = provider, ScriptedReply = "Scripted." }, loggers: loggers);
        var (client, _) = await factory.CreateAsync(CancellationToken.None);
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
    }

    [Fact]
    public async Task A_model_endpoint_is_probed_and_called_through_the_named_http_client_and_traced()
    {
        using var server = new FakeOpenAiServer(["Hello ", "there."]);
        var requests = new List<string>();
        var logs = new LogCollector();
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var factory = TestChatClientFactory.Create(new LlmOptions(), http => http.AddHttpMessageHandler(() => new RecordingHandler(requests)), loggers);
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ChatClientFactory.TelemetrySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (activities) { activities.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        var (client, status) = await factory.CreateAsync(factory.WithEndpoint(server.BaseUrl, "persona-model"), CancellationToken.None);
        Assert.False(status.IsEcho, status.Reason);
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        var text = string.Concat(await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).Select(u => u.Text).ToListAsync());

        Assert.Equal("Hello there.", text);
        lock (requests)
        {
            Assert.Equal(["GET /v1/models", "POST /v1/chat/completions"], requests);
        }

        lock (activities)
        {
            var chat = Assert.Single(activities, a => a.GetTagItem("gen_ai.request.model") as string == "persona-model");
            Assert.Equal("chat persona-model", chat.DisplayName);
        }

        Assert.Contains(logs.Lines, l => l.Category.EndsWith(nameof(LoggingChatClient), StringComparison.Ordinal) && l.Text.Contains("GetStreamingResponseAsync", StringComparison.Ordinal));
    }

    private sealed class LogCollector : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, string Text)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((category, formatter(state, exception)));
        }
    }

    private sealed class RecordingHandler(List<string> requests) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (requests)
            {
                requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
