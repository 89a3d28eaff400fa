using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;

namespace WebAvatar.Pipeline.Tests.Llm;

/// <summary>A <see cref="ChatClientFactory"/> with the app's named HTTP client registration.</summary>
internal static class TestChatClientFactory
{
    public static ChatClientFactory Create(LlmOptions options, Action<IHttpClientBuilder>? http = null, ILoggerFactory? loggers = null)
    {
        var services = new ServiceCollection();
        http?.Invoke(services.AddHttpClient(ChatClientFactory.HttpClientName));
        services.AddHttpClient(ChatClientFactory.HttpClientName);
        var clients = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new ChatClientFactory(Microsoft.Extensions.Options.Options.Create(options), clients, loggers ?? NullLoggerFactory.Instance);
    }
}
