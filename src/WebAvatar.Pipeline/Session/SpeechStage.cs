using System.Threading.Channels;
using Microsoft.Extensions.AI;
using WebAvatar.Conversation;
using WebAvatar.Dsp;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// Turns text segments into <see cref="SpeechClip"/>s at the pipeline rate, streaming: every audio
/// update the engine yields becomes a clip at once, so lip-sync starts on the first clause. Engines hand out audio at
/// their own rate; this is the one place it is converted to the pipeline rate (once per clip).
/// </summary>
public sealed class SpeechStage(ITextToSpeechClient tts, TextToSpeechOptions voice, Action<string, double>? onEngineMetric = null)
{
    public async Task RunAsync(ChannelReader<string> segments, ChannelWriter<SpeechClip> clips, ReplyContext reply)
    {
        try
        {
            await foreach (var segment in segments.ReadAllAsync(reply.Token).ConfigureAwait(false))
            {
                await foreach (var clip in SynthesizeAsync(segment, reply.Token).ConfigureAwait(false))
                {
                    reply.Mark(Stage.TtsFirstAudio);
                    await clips.WriteAsync(clip, reply.Token).ConfigureAwait(false);
                }
            }

            clips.TryComplete();
        }
        catch (Exception ex)
        {
            clips.TryComplete(ex);
            throw;
        }
    }

    /// <summary>Synthesises one segment into one or more clips (one per engine update).</summary>
    public async IAsyncEnumerable<SpeechClip> SynthesizeAsync(string text, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in tts.GetStreamingAudioAsync(text, voice, cancellationToken).ConfigureAwait(false))
        {
            ReportEngineMetrics(update.AdditionalProperties);
            foreach (var content in update.Contents)
            {
                if (content is DataContent data && ToClip(data, text) is { } clip)
                {
                    yield return clip;
                }
            }
        }
    }

    private void ReportEngineMetrics(AdditionalPropertiesDictionary? properties)
    {
        if (onEngineMetric is null || properties is null)
        {
            return;
        }

        foreach (var key in (ReadOnlySpan<string>)[PcmAudioContent.FirstAudioMsKey, PcmAudioContent.RealTimeFactorKey])
        {
            if (properties.TryGetValue(key, out var value) && value is double number)
            {
                onEngineMetric(key, number);
            }
        }
    }

    internal static SpeechClip? ToClip(DataContent data, string text)
    {
        if (!PcmAudioContent.TryGetSampleRate(data, out int rate))
        {
            throw new NotSupportedException($"TTS returned '{data.MediaType}'; the pipeline needs {PcmAudioContent.MediaTypeFor(MediaTiming.PipelineSampleRate)}.");
        }

        var samples = PcmAudioContent.GetSamples(data);
        if (samples.Length == 0)
        {
            return null;
        }

        var marks = PcmAudioContent.GetMarks(data);
        if (rate != MediaTiming.PipelineSampleRate)
        {
            samples = PcmResampler.ResampleAll(samples, rate, MediaTiming.PipelineSampleRate);
            marks = marks.Select(m => m with { OffsetSamples = (int)((long)m.OffsetSamples * MediaTiming.PipelineSampleRate / rate) }).ToArray();
        }

        return new SpeechClip(samples, marks, text);
    }
}
