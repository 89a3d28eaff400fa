using WebAvatar.Dsp;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Whisper's log-mel front end: pad/trim to 30 s, periodic Hann window of 400, hop 160, centred STFT with reflect
/// padding, power spectrum, last frame dropped (3000 frames), Slaney mel 0-8 kHz, log10(max(x, 1e-10)),
/// max(x, max - 8), (x + 4) / 4. Thread-safe (no shared mutable state); allocation-free per call.
/// </summary>
public sealed class WhisperFeatureExtractor
{
    public const int SampleRate = 16_000;
    public const int FftSize = 400;
    public const int HopLength = 160;
    public const int ChunkSamples = 30 * SampleRate;
    public const int Frames = ChunkSamples / HopLength;

    private const int Bins = FftSize / 2 + 1;
    private readonly ShortTimeFourierTransform _stft = new(FftSize);
    private readonly MelFilterBank _mel;

    public WhisperFeatureExtractor(int melBins = 80)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(melBins, 1);
        MelBins = melBins;
        _mel = new MelFilterBank(melBins, FftSize, SampleRate, 0, 8000);
    }

    public int MelBins { get; }

    /// <summary>Length of the feature buffer: <see cref="MelBins"/> x <see cref="Frames"/>.</summary>
    public int FeatureLength => MelBins * Frames;

    /// <summary>
    /// Computes features of <paramref name="audio"/> (16 kHz mono in [-1, 1]; longer than 30 s is trimmed) into
    /// <paramref name="features"/>, row-major [mel, frame]. Both spans belong to the caller.
    /// </summary>
    public void Compute(ReadOnlySpan<float> audio, Span<float> features)
    {
        if (features.Length < FeatureLength)
        {
            throw new ArgumentException($"features needs {FeatureLength} floats ({MelBins} x {Frames}), got {features.Length}.", nameof(features));
        }

        if (audio.Length > ChunkSamples)
        {
            audio = audio[..ChunkSamples];
        }

        Span<double> frame = stackalloc double[FftSize];
        Span<double> power = stackalloc double[Bins];
        var maxLog = double.NegativeInfinity;
        const double silentLog = -10.0; // log10(1e-10): every frame that only sees the zero padding
        for (var t = 0; t < Frames; t++)
        {
            var hasSignal = _stft.FillFrame(audio, ChunkSamples, t * HopLength - FftSize / 2, frame);
            if (hasSignal)
            {
                _stft.PowerSpectrum(frame, power);
            }

            for (var m = 0; m < MelBins; m++)
            {
                double value = silentLog;
                if (hasSignal)
                {
                    value = Math.Log10(Math.Max(_mel.Apply(m, power), 1e-10));
                }

                features[m * Frames + t] = (float)value;
                maxLog = Math.Max(maxLog, value);
            }
        }

        var floor = (float)(maxLog - 8.0);
        foreach (ref var f in features[..FeatureLength])
        {
            f = (Math.Max(f, floor) + 4f) / 4f;
        }
    }
}
