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
/// continuous timeline and any frame can be rendered in any order. The motion repeats every <see cref="LoopFrames"/>
/// (every wave fits a whole number of times into the loop, every blink lies inside it), so the session encoder can
/// replay a recorded loop of listening frames instead of rendering and encoding them again.
/// </summary>
internal sealed class IdleMotion
{
    public const int DefaultLoopFrames = 20 * MediaTiming.VideoFps;
    public const int MinLoopFrames = 4 * MediaTiming.VideoFps;

    // Blinks: one per blink slot of about 4.25 s, jittered inside its slot, so consecutive blinks are 2.5..5.5 s apart (20 s loop).
    private const double BlinkSlotSeconds = 4.25;
    private const double BlinkJitterSeconds = 0.75;

    /// <summary>Closure on the 4 frames (160 ms) of a blink: fast close, slower open.</summary>
    private static readonly float[] BlinkProfile = [0.6f, 1.0f, 0.7f, 0.3f];

    private const float MaxRotationDegrees = 0.5f;
    private const float MaxShiftX = 1.5f;
    private const float MaxShiftY = 1.0f;
    private const float BreathAmplitude = 0.7f;
    private const double BreathPeriodSeconds = 4.3;

    private readonly int _seed;
    private readonly double _phase;
    private readonly int _blinkSlots;
    private readonly double _blinkSlotFrames;
    private readonly double _blinkJitterFrames;

    public IdleMotion(int seed, int loopFrames = DefaultLoopFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loopFrames, MinLoopFrames);
        _seed = seed;
        LoopFrames = loopFrames;
        _phase = Hash01(seed, -1) * Math.Tau;
        _blinkSlots = Cycles(BlinkSlotSeconds);
        _blinkSlotFrames = loopFrames / (double)_blinkSlots;
        // A blink never leaves its slot, so none straddles the loop's end.
        _blinkJitterFrames = Math.Min(BlinkJitterSeconds * MediaTiming.VideoFps, (_blinkSlotFrames - BlinkProfile.Length) / 2 - 1);
    }

    /// <summary>The period of the motion in frames.</summary>
    public int LoopFrames { get; }

    public IdlePose At(long frameIndex)
    {
        double loop = Math.Tau * (frameIndex % LoopFrames) / LoopFrames;
        float breath = (float)(BreathAmplitude * Math.Sin(loop * Cycles(BreathPeriodSeconds) + _phase));
        // Periods far apart: within one loop the sway does not visibly repeat.
        float rotation = MaxRotationDegrees * Wave(loop, 7.3, 0.6, 11.9, 0.4, 0);
        float shiftX = MaxShiftX * Wave(loop, 5.7, 0.6, 13.1, 0.4, 1.7);
        float shiftY = MaxShiftY * Wave(loop, 9.1, 0.7, 3.7, 0.3, 2.9);
        return new IdlePose(BlinkAt(frameIndex), rotation, shiftX, shiftY + breath * 0.6f, breath);
    }

    /// <summary>Start frame (within the loop) of the blink in <paramref name="slot"/>.</summary>
    internal long BlinkStartFrame(int slot)
    {
        double jitter = (Hash01(_seed, slot) * 2 - 1) * _blinkJitterFrames;
        return (long)Math.Round((slot + 0.5) * _blinkSlotFrames + jitter - BlinkProfile.Length / 2.0);
    }

    internal float BlinkAt(long frameIndex)
    {
        if (frameIndex < _blinkSlotFrames)
        {
            return 0; // No blink in the first seconds: the opening frame is the clean portrait.
        }

        long inLoop = frameIndex % LoopFrames;
        int slot = Math.Min((int)(inLoop / _blinkSlotFrames), _blinkSlots - 1);
        long offset = inLoop - BlinkStartFrame(slot);
        return offset >= 0 && offset < BlinkProfile.Length ? BlinkProfile[offset] : 0;
    }

    /// <summary>How many times a wave of about <paramref name="periodSeconds"/> fits the loop (at least once).</summary>
    private int Cycles(double periodSeconds) => Math.Max(1, (int)Math.Round(LoopFrames / (periodSeconds * MediaTiming.VideoFps)));

    private float Wave(double loop, double period1, double weight1, double period2, double weight2, double offset) =>
        (float)(weight1 * Math.Sin(loop * Cycles(period1) + _phase + offset) + weight2 * Math.Sin(loop * Cycles(period2) + _phase * 1.3 + offset * 2.1));

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
