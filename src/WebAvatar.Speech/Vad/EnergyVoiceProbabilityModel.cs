using WebAvatar.Dsp;

namespace WebAvatar.Speech.Vad;

/// <summary>
/// Fallback classifier for when the Silero model is missing: maps a window's RMS level to a pseudo-probability
/// (0.5 at <c>thresholdDbfs</c>, saturating 10 dB either side). Loud noise counts as speech; it is a fallback only.
/// </summary>
public sealed class EnergyVoiceProbabilityModel(float thresholdDbfs = -40f) : IVoiceProbabilityModel
{
    private const float SpanDb = 10f;

    public string Name => "energy";

    public IVoiceProbabilityStream CreateStream() => new Stream(thresholdDbfs);

    private sealed class Stream(float thresholdDbfs) : IVoiceProbabilityStream
    {
        public int WindowSamples => 512;

        public float Process(ReadOnlySpan<float> window)
        {
            var rms = AudioLevel.Rms(window);
            var dbfs = 20 * Math.Log10(Math.Max(rms, 1e-9));
            return (float)Math.Clamp(0.5 + (dbfs - thresholdDbfs) / (2 * SpanDb), 0, 1);
        }

        public void Reset()
        {
        }

        public void Dispose()
        {
        }
    }
}
