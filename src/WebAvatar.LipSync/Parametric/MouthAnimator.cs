using WebAvatar.Dsp;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Turns a speech clip into one <see cref="MouthPose"/> per video frame: the frame's loudness decides how far the
/// jaw drops, the viseme decides the shape, and attack/release smoothing keeps consecutive frames coherent.
/// Keeps its pose between clips so speech starts and ends from wherever the mouth is.
/// </summary>
internal sealed class MouthAnimator
{
    /// <summary>Level (dBFS of the frame RMS) at which the mouth starts to open, and where it is fully open.</summary>
    private const float SilenceDb = -48f;
    private const float LoudDb = -16f;

    // Per-frame (40 ms) approach rates: mouths open quickly and close a little slower.
    private const float AttackRate = 0.65f;
    private const float ReleaseRate = 0.4f;
    private const float ShapeRate = 0.5f;

    /// <summary>Visemes lead the sound slightly: lips shape before the phoneme is heard.</summary>
    private const int VisemeLeadSamples = MediaTiming.SamplesPerVideoFrame / 2;

    public MouthPose Pose { get; private set; } = MouthPose.Rest;

    /// <summary>Advances one speech frame covering clip samples [frame*640, (frame+1)*640).</summary>
    public MouthPose NextSpeechFrame(SpeechClip clip, int frame)
    {
        int start = frame * MediaTiming.SamplesPerVideoFrame;
        float level = LevelOf(clip.Samples, start, MediaTiming.SamplesPerVideoFrame);
        var shape = clip.Marks.Count == 0
            ? VisemeShape.For(Viseme.Neutral)
            : VisemeShape.For(clip.VisemeAt(start + VisemeLeadSamples));
        var target = new MouthPose(level * shape.OpenGain, shape.WidthScale, shape.Press * Math.Max(0.3f, level), shape.Teeth);
        return Advance(target);
    }

    /// <summary>Advances one idle frame: the mouth relaxes to rest.</summary>
    public MouthPose NextIdleFrame() => Advance(MouthPose.Rest);

    private MouthPose Advance(MouthPose target)
    {
        float openRate = target.Open > Pose.Open ? AttackRate : ReleaseRate;
        Pose = Pose.MoveToward(target, openRate, ShapeRate);
        return Pose;
    }

    /// <summary>Loudness of samples [start, start+count) mapped to 0..1 (missing samples past the end count as silence).</summary>
    internal static float LevelOf(ReadOnlySpan<short> samples, int start, int count)
    {
        int end = Math.Min(samples.Length, start + count);
        var present = start < end ? samples[start..end] : [];
        double rms = AudioLevel.Rms(present, count) / 32768.0;
        float db = (float)(20 * Math.Log10(Math.Max(rms, 1e-6)));
        float level = Math.Clamp((db - SilenceDb) / (LoudDb - SilenceDb), 0f, 1f);
        // Perceived openness rises quickly at low levels: a soft consonant still parts the lips.
        return MathF.Pow(level, 0.8f);
    }
}
