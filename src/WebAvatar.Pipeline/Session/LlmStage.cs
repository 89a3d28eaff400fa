using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Segmentation;

namespace WebAvatar.Pipeline.Session;

/// <summary>Streams the LLM reply and hands speakable segments to TTS as soon as each is complete.</summary>
public sealed class LlmStage(IChatClient chatClient, int minSegmentChars)
{
    /// <summary>Runs one reply; completes <paramref name="segments"/> when done and returns the whole reply text.</summary>
    public async Task<string> RunAsync(IList<ChatMessage> conversation, ChannelWriter<string> segments, ReplyContext reply, Action<string> onText)
    {
        var segmenter = new SentenceSegmenter(minSegmentChars);
        var full = new StringBuilder();
        try
        {
            await foreach (var update in chatClient.GetStreamingResponseAsync(conversation, cancellationToken: reply.Token).ConfigureAwait(false))
            {
                var text = update.Text;
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                reply.Mark(Stage.LlmFirstToken);
                full.Append(text);
                onText(full.ToString());
                foreach (var segment in segmenter.Push(text))
                {
                    reply.Mark(Stage.FirstSegment);
                    await segments.WriteAsync(segment, reply.Token).ConfigureAwait(false);
                }
            }

            if (segmenter.Flush() is { } last)
            {
                reply.Mark(Stage.FirstSegment);
                await segments.WriteAsync(last, reply.Token).ConfigureAwait(false);
            }

            segments.TryComplete();
        }
        catch (Exception ex)
        {
            segments.TryComplete(ex);
            throw;
        }

        return full.ToString();
    }
}
