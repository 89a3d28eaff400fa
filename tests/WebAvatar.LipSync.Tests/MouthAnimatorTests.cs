using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Tests;

public sealed class MouthAnimatorTests
{
    [Fact]
    public void LevelFollowsLoudness()
    {
        var quiet = Tone(300);
        var loud = Tone(9000);
        Assert.Equal(0f, MouthAnimator.LevelOf(new short[640], 0, 640));
        Assert.InRange(MouthAnimator.LevelOf(quiet, 0, 640), 0.05f, 0.6f);
        Assert.InRange(MouthAnimator.LevelOf(loud, 0, 640), 0.95f, 1f);
    }

    [Fact]
    public void OpeningRisesWithAttackAndFallsWithRelease()
    {
        var samples = new short[MediaTiming.SamplesPerVideoFrame * 20];
        Tone(9000).AsSpan(0, 640 * 10).CopyTo(samples);
        var clip = new SpeechClip(samples, [new PhonemeMark(0, "a", Viseme.Open), new PhonemeMark(640 * 10, "_", Viseme.Rest)], "a");
        var animator = new MouthAnimator();
        var opens = Enumerable.Range(0, 20).Select(i => animator.NextSpeechFrame(clip, i).Open).ToArray();

        Assert.True(opens[0] > 0.4f && opens[0] < opens[2], "attack should be quick but not a jump");
        Assert.True(opens[9] > 0.9f);
        Assert.True(opens[11] < opens[10] && opens[11] > 0.1f, "release should be smooth");
        Assert.True(opens[19] < 0.05f);
    }

    [Fact]
    public void VisemesShapeTheMouth()
    {
        var loud = Tone(9000);
        float OpenFor(Viseme v)
        {
            var animator = new MouthAnimator();
            var clip = new SpeechClip(loud, [new PhonemeMark(0, "x", v)], "x");
            MouthPose pose = default;
            for (int i = 0; i < 8; i++)
            {
                pose = animator.NextSpeechFrame(clip, i);
            }

            return pose.Open;
        }

        Assert.True(OpenFor(Viseme.Closed) < 0.01f);
        Assert.True(OpenFor(Viseme.Open) > OpenFor(Viseme.Round));
        Assert.True(OpenFor(Viseme.Round) > OpenFor(Viseme.Wide));
        Assert.True(OpenFor(Viseme.Wide) > OpenFor(Viseme.Teeth));
    }

    private static short[] Tone(short amplitude)
    {
        var samples = new short[MediaTiming.SamplesPerVideoFrame * 10];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(amplitude * Math.Sin(i * 2 * Math.PI * 220 / 16000));
        }

        return samples;
    }
}
