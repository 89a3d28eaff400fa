using System.Threading.Channels;
using WebAvatar.Conversation;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// Lip-syncs each clip and pairs every 40 ms video frame with its 640 audio samples (audio is the
/// master clock: the frame count follows the audio length, the last frame padded with silence).
/// The renderer is shared with the idle pacer, so every call holds <paramref name="rendererGate"/>.
/// </summary>
public sealed class RenderStage(IAvatarRenderer renderer, SemaphoreSlim rendererGate)
{
    public async Task RunAsync(ChannelReader<SpeechClip> clips, ChannelWriter<AvFrame> frames, ReplyContext reply, Func<long> nextFrameIndex, Action<SpeechClip>? onClipStart = null)
    {
        await foreach (var clip in clips.ReadAllAsync(reply.Token).ConfigureAwait(false))
        {
            onClipStart?.Invoke(clip);
            await foreach (var frame in RenderClipAsync(clip, nextFrameIndex(), reply.ReplyId, reply.Token).ConfigureAwait(false))
            {
                reply.Mark(Stage.LipSyncFirstFrame);
                try
                {
                    await frames.WriteAsync(frame, reply.Token).ConfigureAwait(false);
                }
                catch
                {
                    frame.Dispose();
                    throw;
                }
            }
        }
    }

    /// <summary>Yields the A/V frames of one clip; the caller owns each frame.</summary>
    public async IAsyncEnumerable<AvFrame> RenderClipAsync(SpeechClip clip, long firstFrameIndex, string replyId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int index = 0;
        var videos = renderer.RenderSpeechAsync(clip, firstFrameIndex, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                await rendererGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                bool more;
                try
                {
                    more = await videos.MoveNextAsync().ConfigureAwait(false);
                }
                finally
                {
                    rendererGate.Release();
                }

                if (!more)
                {
                    break;
                }

                var frame = new AvFrame(firstFrameIndex + index, videos.Current, speaking: true) { ReplyId = replyId };
                int start = index * MediaTiming.SamplesPerVideoFrame;
                int count = Math.Clamp(clip.Samples.Length - start, 0, MediaTiming.SamplesPerVideoFrame);
                clip.Samples.AsSpan(start, count).CopyTo(frame.Audio);
                index++;
                yield return frame;
            }
        }
        finally
        {
            await videos.DisposeAsync().ConfigureAwait(false);
        }

        int expected = MediaTiming.FramesForSamples(clip.Samples.Length);
        if (index != expected && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Renderer {renderer.EngineName} produced {index} frames for {expected} frames of audio.");
        }
    }
}
