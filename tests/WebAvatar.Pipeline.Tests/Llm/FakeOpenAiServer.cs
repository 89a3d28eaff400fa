using System.Net;
using System.Text;
using System.Text.Json;
using WebAvatar.Testing;

namespace WebAvatar.Pipeline.Tests.Llm;

/// <summary>A minimal OpenAI-compatible server: GET /v1/models and streaming POST /v1/chat/completions (SSE).</summary>
internal sealed class FakeOpenAiServer : IDisposable
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
