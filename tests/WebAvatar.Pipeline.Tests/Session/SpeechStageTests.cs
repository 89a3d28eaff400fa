using WebAvatar.Dsp;
using WebAvatar.Media;
using WebAvatar.Pipeline.Session;
using WebAvatar.Speech;

namespace WebAvatar.Pipeline.Tests.Session;

public class SpeechStageTests
{
    [Fact]
    public void Audio_at_an_engines_own_rate_becomes_a_pipeline_rate_clip_with_the_same_tone_level_length_and_mark_times()
    {
        const int rate = 22_050;
        var tone = Enumerable.Range(0, rate).Select(i => (short)Math.Round(8000 * Math.Sin(2 * Math.PI * 1000 * i / rate))).ToArray();
        var data = PcmAudioContent.Create(tone, rate, [new PhonemeMark(0, "a", Viseme.Open), new PhonemeMark(rate / 2, "o", Viseme.Round)]);

        var clip = SpeechStage.ToClip(data, "ah oh")!;

        Assert.Equal(MediaTiming.PipelineSampleRate, clip.Samples.Length);
        Assert.Equal([0, MediaTiming.PipelineSampleRate / 2], clip.Marks.Select(m => m.OffsetSamples));
        var middle = clip.Samples.AsSpan(1600, 12_800);
        Assert.Equal(8000 / Math.Sqrt(2), AudioLevel.Rms(middle), 8000 * 0.01);
        int upward = 0;
        for (int i = 1; i < middle.Length; i++)
        {
            upward += middle[i - 1] < 0 && middle[i] >= 0 ? 1 : 0;
        }

        Assert.InRange(upward, 799, 801); // 1 kHz over 0.8 s
    }

    [Fact]
    public void Audio_already_at_the_pipeline_rate_passes_through_untouched()
    {
        var samples = Enumerable.Range(0, 640).Select(i => (short)(i * 7)).ToArray();

        var clip = SpeechStage.ToClip(PcmAudioContent.Create(samples, MediaTiming.PipelineSampleRate, []), "x")!;

        Assert.Equal(samples, clip.Samples);
    }
}
