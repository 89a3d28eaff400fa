using WebAvatar.Media;

namespace WebAvatar.LipSync.Parametric;

/// <summary>The life-like motion of one frame: eyelid closure and a small head sway plus breathing.</summary>
/// <param name="Blink">Eyelid closure 0 (open) .. 1 (closed).</param>
/// <param name="HeadRotationDegrees">Head roll around the neck.</param>
/// <param name="HeadShiftX">Head translation in pixels.</param>
/// <param name="HeadShiftY">Head translation in pixels (includes breathing).</param>
/// <param name="BreathShiftY">Vertical shoulder lift in pixels.</param>
internal readonly record struct IdlePose(float Blink, float HeadRotationDegrees, float HeadShiftX, float HeadShiftY, float BreathShiftY);

/// <summary>
/// Deterministic idle motion as a pure function of the session frame index, so idle and speech frames share one
/// continuous timeline and any frame can be rendered in any order.
/// </summary>
internal sealed class IdleMotion(int seed)
{
    // Blinks: one per slot of 4.25 s, jittered by up to ±0.875 s, so consecutive blinks are 2.5..6 s apart.
    private const double BlinkSlotSeconds = 4.25;
    private const double BlinkJitterSeconds = 0.875;

    /// <summary>Closure on the 4 frames (160 ms) of a blink: fast close, slower open.</summary>
    private static readonly float[] BlinkProfile = [0.6f, 1.0f, 0.7f, 0.3f];

    private const float MaxRotationDegrees = 0.5f;
    private const float MaxShiftX = 1.5f;
    private const float MaxShiftY = 1.0f;
    private const float BreathAmplitude = 0.7f;
    private const double BreathPeriodSeconds = 4.3;

    private readonly double _phase = Hash01(seed, -1) * Math.Tau;

    public IdlePose At(long frameIndex)
    {
        double t = frameIndex / (double)MediaTiming.VideoFps;
        float breath = (float)(BreathAmplitude * Math.Sin(Math.Tau * t / BreathPeriodSeconds + _phase));
        // Incommensurate periods: the sway never visibly repeats.
        float rotation = MaxRotationDegrees * Wave(t, 7.3, 0.6, 11.9, 0.4, 0);
        float shiftX = MaxShiftX * Wave(t, 5.7, 0.6, 13.1, 0.4, 1.7);
        float shiftY = MaxShiftY * Wave(t, 9.1, 0.7, 3.7, 0.3, 2.9);
        return new IdlePose(BlinkAt(frameIndex), rotation, shiftX, shiftY + breath * 0.6f, breath);
    }

    /// <summary>Start frame of the blink in <paramref name="slot"/>.</summary>
    internal long BlinkStartFrame(long slot)
    {
        double jitter = (Hash01(seed, slot) * 2 - 1) * BlinkJitterSeconds;
        return (long)Math.Round((slot * BlinkSlotSeconds + jitter) * MediaTiming.VideoFps);
    }

    internal float BlinkAt(long frameIndex)
    {
        long slot = (long)Math.Floor(frameIndex / (BlinkSlotSeconds * MediaTiming.VideoFps));
        // A blink near a slot boundary can spill into the next slot's range, so look at both neighbours.
        for (long s = slot - 1; s <= slot + 1; s++)
        {
            if (s < 1)
            {
                continue; // No blink in the first seconds: the opening frame is the clean portrait.
            }

            long offset = frameIndex - BlinkStartFrame(s);
            if (offset >= 0 && offset < BlinkProfile.Length)
            {
                return BlinkProfile[offset];
            }
        }

        return 0;
    }

    private float Wave(double t, double period1, double weight1, double period2, double weight2, double offset) =>
        (float)(weight1 * Math.Sin(Math.Tau * t / period1 + _phase + offset) + weight2 * Math.Sin(Math.Tau * t / period2 + _phase * 1.3 + offset * 2.1));

    /// <summary>A uniform value in [0,1) from (seed, n); SplitMix64 finaliser.</summary>
    private static double Hash01(int seed, long n)
    {
        ulong z = unchecked((ulong)n * 0x9E3779B97F4A7C15UL + (ulong)(uint)seed * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
