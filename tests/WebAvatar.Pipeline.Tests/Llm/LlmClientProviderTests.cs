using System.Text;
using Microsoft.Extensions.AI;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;

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
        new(TestChatClientFactory.Create(options));
}

