using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Testing;

namespace WebAvatar.Pipeline.Tests.Llm;

public class LlmClientProviderTests
{
    [Fact]
    public async Task Without_configuration_the_app_runs_in_echo_mode_and_says_why()
    {
        var provider = Provider(new LlmOptions());
        var (client, status) = await provider.GetAsync(CancellationToken.None);
        Assert.True(status.IsEcho);
        Assert.Contains("no LLM configured", status.Reason);
        var reply = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Repeat after me.")]);
        Assert.Equal("Repeat after me.", reply.Text);
    }

    [Fact]
    public async Task A_persona_endpoint_that_does_not_answer_falls_back_to_echo_naming_it()
    {
        var provider = Provider(new LlmOptions { ConnectTimeoutSeconds = 1 });
        var (_, status) = await provider.GetAsync("http://127.0.0.1:9/v1", "some-model", CancellationToken.None);
        Assert.True(status.IsEcho);
        Assert.Contains("127.0.0.1:9", status.Reason);
        Assert.Contains("unreachable", status.Reason);
    }

    [Fact]
    public async Task A_persona_endpoint_streams_from_an_openai_compatible_server()
    {
        using var server = new FakeOpenAiServer(["Hello ", "from the ", "persona model."]);
        var provider = Provider(new LlmOptions { Provider = LlmProvider.None });
        var (client, status) = await provider.GetAsync(server.BaseUrl, "persona-model", CancellationToken.None);
        Assert.False(status.IsEcho, status.Reason);
        Assert.Equal("persona-model", status.Model);

        var text = new StringBuilder();
        int updates = 0;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
        {
            text.Append(update.Text);
            updates += string.IsNullOrEmpty(update.Text) ? 0 : 1;
        }

        Assert.Equal("Hello from the persona model.", text.ToString());
        Assert.Equal(3, updates);
        Assert.Contains("\"model\":\"persona-model\"", server.LastChatRequest);

        // The same endpoint/model is probed and built once, then shared.
        var again = await provider.GetAsync(server.BaseUrl, "persona-model", CancellationToken.None);
        Assert.Same(client, again.Client);
    }

    private static LlmClientProvider Provider(LlmOptions options) =>
        new(new ChatClientFactory(Microsoft.Extensions.Options.Options.Create(options), NullLogger<ChatClientFactory>.Instance));

    /// <summary>A minimal OpenAI-compatible server: GET /v1/models and streaming POST /v1/chat/completions (SSE).</summary>
    private sealed class FakeOpenAiServer : IDisposable
    {
        private readonly LoopbackHttpServer _server;
        private readonly string[] _chunks;

        public FakeOpenAiServer(string[] chunks)
        {
            _chunks = chunks;
            _server = new LoopbackHttpServer(HandleAsync);
        }

        public string BaseUrl => _server.Root + "/v1";

        public string LastChatRequest { get; private set; } = string.Empty;

        public void Dispose() => _server.Dispose();

        private async Task HandleAsync(HttpListenerContext context)
        {
            var path = context.Request.Url!.AbsolutePath;
            if (path.EndsWith("/models", StringComparison.Ordinal))
            {
                await WriteAsync(context.Response, "application/json", """{"object":"list","data":[{"id":"persona-model","object":"model"}]}""");
            }
            else if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            {
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    LastChatRequest = await reader.ReadToEndAsync();
                }

                var sse = new StringBuilder();
                foreach (var chunk in _chunks)
                {
                    var payload = JsonSerializer.Serialize(new
                    {
                        id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1, model = "persona-model",
                        choices = new[] { new { index = 0, delta = new { role = "assistant", content = chunk }, finish_reason = (string?)null } },
                    });
                    sse.Append("data: ").Append(payload).Append("\n\n");
                }

                sse.Append("data: [DONE]\n\n");
                await WriteAsync(context.Response, "text/event-stream", sse.ToString());
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        }

        private static async Task WriteAsync(HttpListenerResponse response, string contentType, string body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentType = contentType;
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }
}
