using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline.Segmentation;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// Renders a text to A/V frames as fast as the machine allows (no real-time pacing), through the same
/// segmenter, TTS and lip-sync stages as a live session: the CLI's `say` command and offline tests.
/// </summary>
public sealed class OfflineRenderer(ITextToSpeechClient tts, IAvatarRenderer renderer, TextToSpeechOptions voice, int minSegmentChars = 10)
{
    /// <summary>Yields contiguous frames: <paramref name="leadIn"/> of idle, the speech, <paramref name="tail"/> of idle. The caller owns each frame.</summary>
    public async IAsyncEnumerable<AvFrame> RenderAsync(string text, TimeSpan leadIn, TimeSpan tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var speech = new SpeechStage(tts, voice);
        var render = new RenderStage(renderer, new SemaphoreSlim(1, 1));
        long index = 0;
        for (int i = 0; i < FramesFor(leadIn); i++)
        {
            yield return new AvFrame(index, renderer.RenderIdle(index++), speaking: false);
        }

        foreach (var segment in SentenceSegmenter.SplitAll(text, minSegmentChars))
        {
            await foreach (var clip in speech.SynthesizeAsync(segment, cancellationToken).ConfigureAwait(false))
            {
                await foreach (var frame in render.RenderClipAsync(clip, index, "offline", cancellationToken).ConfigureAwait(false))
                {
                    index++;
                    yield return frame;
                }
            }
        }

        for (int i = 0; i < FramesFor(tail); i++)
        {
            yield return new AvFrame(index, renderer.RenderIdle(index++), speaking: false);
        }
    }

    private static int FramesFor(TimeSpan duration) => (int)Math.Round(duration.TotalMilliseconds / MediaTiming.VideoFrameMs);
}
