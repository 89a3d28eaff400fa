using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Testing;

namespace WebAvatar.Pipeline.Tests.Llm;

public class ScriptedChatClientTests
{
    private const string Reply = "It is sunny and warm today, with a light breeze.";

    [Fact]
    public async Task Streams_the_configured_reply_word_by_word_whatever_the_user_says()
    {
        using var client = new ScriptedChatClient(Reply);
        var pieces = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "What is the weather like today?")]))
        {
            pieces.Add(update.Text);
            Assert.Equal(ChatRole.Assistant, update.Role);
        }

        Assert.Equal(Reply, string.Concat(pieces));
        Assert.Equal(Reply.Split(' ').Length, pieces.Count);
        Assert.Equal("It ", pieces[0]);

        var other = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Something else entirely.")]);
        Assert.Equal(Reply, other.Text);
    }

    [Fact]
    public async Task A_set_time_to_first_token_delays_only_the_first_word()
    {
        // Three replies, medians held to the bounds: one reply on a starved shared core can take a second for the rest.
        using var client = new ScriptedChatClient(Reply, TimeSpan.FromMilliseconds(300));
        var rests = new List<double>();
        for (int reply = 0; reply < 3; reply++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var times = new List<double>();
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            rests.Add(times[^1] - times[0]);
            Assert.True(times[0] >= 300, $"first word after {times[0]:F0} ms"); // a delay is never shorter than asked
        }

        Assert.True(Readings.Median(rests) < 200, $"the rest took {Readings.Format(rests)} ms");

        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token))
            {
            }
        });
    }

    [Fact]
    public async Task Stops_when_cancelled()
    {
        using var client = new ScriptedChatClient(Reply);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: cts.Token))
            {
                if (++seen == 2)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(2, seen);
    }

    [Fact]
    public void An_empty_reply_is_refused_with_the_setting_to_fix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ScriptedChatClient("  "));
        Assert.Contains("Llm:ScriptedReply", ex.Message);

        var options = new LlmOptions { Provider = LlmProvider.Scripted };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Llm:ScriptedReply"));
    }

    [Fact]
    public async Task The_factory_builds_it_for_the_scripted_provider_without_probing_anything()
    {
        var options = new LlmOptions { Provider = LlmProvider.Scripted, ScriptedReply = Reply };
        var factory = TestChatClientFactory.Create(options);
        var (client, status) = await factory.CreateAsync(CancellationToken.None);
        Assert.NotNull(client.GetService<ScriptedChatClient>());
        Assert.Equal("scripted", status.Provider);
        Assert.False(status.IsEcho);
        var answer = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello?")]);
        Assert.Equal(Reply, answer.Text);
    }
}
