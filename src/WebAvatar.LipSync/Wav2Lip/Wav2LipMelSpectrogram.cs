using WebAvatar.Dsp;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// The audio features Wav2Lip was trained on (its audio.py, librosa semantics): pre-emphasis 0.97, STFT 800/200/800
/// periodic Hann centred with reflect padding, magnitude, 80 Slaney mel bands 55-7600 Hz, 20·log10(max(1e-5, x)) - 20 dB,
/// then normalised to [-4, 4]. 80 mel frames per second at 16 kHz. Thread-safe (tables are immutable).
/// </summary>
public sealed class Wav2LipMelSpectrogram
{
    public const int SampleRate = MediaTiming.PipelineSampleRate;
    public const int Bands = 80;
    public const int FftSize = 800;
    public const int Hop = 200;

    /// <summary>Mel frames fed to the model per video frame (0.2 s of audio).</summary>
    public const int WindowFrames = 16;

    public const int MelFramesPerSecond = SampleRate / Hop;

    private const float PreEmphasis = 0.97f;
    private const double MinLevelDb = -100, RefLevelDb = 20, MaxAbsValue = 4;
    private const int Bins = FftSize / 2 + 1;

    private static readonly ShortTimeFourierTransform Stft = new(FftSize);
    private static readonly MelFilterBank Filters = new(Bands, FftSize, SampleRate, 55, 7600);

    private Wav2LipMelSpectrogram(float[] data, int frames)
    {
        Data = data;
        Frames = frames;
    }

    /// <summary>Band-major values: <c>Data[band * Frames + frame]</c>.</summary>
    public float[] Data { get; }

    public int Frames { get; }

    public float this[int band, int frame] => Data[band * Frames + frame];

    /// <summary>First mel frame of video frame <paramref name="videoFrame"/> at 25 fps: int(i x 80 / 25), as Wav2Lip's inference loop.</summary>
    public static int WindowStart(int videoFrame) => (int)((long)videoFrame * MelFramesPerSecond / MediaTiming.VideoFps);

    /// <summary>
    /// Copies the [80 x 16] window of video frame <paramref name="videoFrame"/> (band-major) into <paramref name="destination"/>;
    /// frames past the end repeat the last mel frame, so the final video frames of a clip get full windows.
    /// </summary>
    public void CopyWindow(int videoFrame, Span<float> destination)
    {
        if (destination.Length < Bands * WindowFrames)
        {
            throw new ArgumentException($"The window needs {Bands * WindowFrames} floats.", nameof(destination));
        }

        int start = WindowStart(videoFrame);
        for (int band = 0; band < Bands; band++)
        {
            var row = Data.AsSpan(band * Frames, Frames);
            var target = destination.Slice(band * WindowFrames, WindowFrames);
            for (int t = 0; t < WindowFrames; t++)
            {
                target[t] = row[Math.Min(start + t, Frames - 1)];
            }
        }
    }

    /// <summary>Computes the normalised mel spectrogram of 16 kHz mono PCM (at least one sample).</summary>
    public static Wav2LipMelSpectrogram Compute(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            throw new ArgumentException("Cannot compute a mel spectrogram of empty audio.", nameof(samples));
        }

        var emphasized = new float[samples.Length];
        float previous = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            float x = samples[i] / 32768f;
            emphasized[i] = i == 0 ? x : x - PreEmphasis * previous;
            previous = x;
        }

        int frames = 1 + samples.Length / Hop;
        var data = new float[Bands * frames];
        Span<double> frame = stackalloc double[FftSize];
        Span<double> magnitude = stackalloc double[Bins];
        for (int f = 0; f < frames; f++)
        {
            Stft.FillFrame(emphasized, emphasized.Length, f * Hop - FftSize / 2, frame);
            Stft.PowerSpectrum(frame, magnitude);
            foreach (ref var bin in magnitude)
            {
                bin = Math.Sqrt(bin);
            }

            for (int band = 0; band < Bands; band++)
            {
                data[band * frames + f] = Normalise(Filters.Apply(band, magnitude));
            }
        }

        return new Wav2LipMelSpectrogram(data, frames);
    }

    private static float Normalise(double mel)
    {
        double db = 20 * Math.Log10(Math.Max(1e-5, mel)) - RefLevelDb;
        return (float)Math.Clamp(2 * MaxAbsValue * ((db - MinLevelDb) / -MinLevelDb) - MaxAbsValue, -MaxAbsValue, MaxAbsValue);
    }
}
