// The naive-DFT Wav2Lip mel as it was before the shared FFT, kept only to compare old and new output.
using System.Numerics;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

/// <summary>
/// The audio features Wav2Lip was trained on (its audio.py, librosa semantics): pre-emphasis 0.97, STFT 800/200/800
/// periodic Hann centred with reflect padding, magnitude, 80 Slaney mel bands 55-7600 Hz, 20·log10(max(1e-5, x)) - 20 dB,
/// then normalised to [-4, 4]. 80 mel frames per second at 16 kHz. Thread-safe (tables are immutable).
/// </summary>
internal sealed class LegacyWav2LipMel
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

    private static readonly Lazy<Tables> SharedTables = new(() => new Tables());

    private LegacyWav2LipMel(float[] data, int frames)
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
    public static LegacyWav2LipMel Compute(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            throw new ArgumentException("Cannot compute a mel spectrogram of empty audio.", nameof(samples));
        }

        var tables = SharedTables.Value;
        int pad = FftSize / 2;
        var emphasized = new float[samples.Length + 2 * pad];
        float previous = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            float x = samples[i] / 32768f;
            emphasized[pad + i] = i == 0 ? x : x - PreEmphasis * previous;
            previous = x;
        }

        ReflectPad(emphasized, pad, samples.Length);
        int frames = 1 + samples.Length / Hop;
        var data = new float[Bands * frames];
        Span<float> frame = stackalloc float[FftSize];
        Span<float> magnitude = stackalloc float[Bins];
        for (int f = 0; f < frames; f++)
        {
            var source = emphasized.AsSpan(f * Hop, FftSize);
            for (int i = 0; i < FftSize; i++)
            {
                frame[i] = source[i] * tables.Window[i];
            }

            tables.Magnitude(frame, magnitude);
            for (int band = 0; band < Bands; band++)
            {
                data[band * frames + f] = Normalise(tables.Filters.Apply(band, magnitude));
            }
        }

        return new LegacyWav2LipMel(data, frames);
    }

    private static float Normalise(float mel)
    {
        double db = 20 * Math.Log10(Math.Max(1e-5, mel)) - RefLevelDb;
        return (float)Math.Clamp(2 * MaxAbsValue * ((db - MinLevelDb) / -MinLevelDb) - MaxAbsValue, -MaxAbsValue, MaxAbsValue);
    }

    /// <summary>numpy.pad(mode="reflect"): mirrors around the edge samples without repeating them.</summary>
    private static void ReflectPad(float[] buffer, int pad, int length)
    {
        for (int i = 1; i <= pad; i++)
        {
            buffer[pad - i] = buffer[pad + Reflect(i, length)];
            buffer[pad + length - 1 + i] = buffer[pad + Reflect(length - 1 - i, length)];
        }
    }

    private static int Reflect(int index, int length)
    {
        if (length == 1)
        {
            return 0;
        }

        int period = 2 * (length - 1);
        index = ((index % period) + period) % period;
        return index < length ? index : period - index;
    }

    /// <summary>Window, DFT basis (800 is not a power of two; a vectorised DFT costs ~10 ms per second of audio) and filters.</summary>
    private sealed class Tables
    {
        public readonly float[] Window = new float[FftSize];
        public readonly LegacyMelFilterBank Filters = new(SampleRate, FftSize, Bands, 55, 7600);
        private readonly float[] _cos = new float[Bins * FftSize];
        private readonly float[] _sin = new float[Bins * FftSize];

        public Tables()
        {
            for (int i = 0; i < FftSize; i++)
            {
                Window[i] = (float)(0.5 - 0.5 * Math.Cos(2 * Math.PI * i / FftSize));
            }

            for (int k = 0; k < Bins; k++)
            {
                for (int n = 0; n < FftSize; n++)
                {
                    double angle = 2 * Math.PI * ((long)k * n % FftSize) / FftSize;
                    _cos[k * FftSize + n] = (float)Math.Cos(angle);
                    _sin[k * FftSize + n] = (float)Math.Sin(angle);
                }
            }
        }

        public void Magnitude(ReadOnlySpan<float> frame, Span<float> magnitude)
        {
            for (int k = 0; k < Bins; k++)
            {
                float re = Dot(frame, _cos.AsSpan(k * FftSize, FftSize));
                float im = Dot(frame, _sin.AsSpan(k * FftSize, FftSize));
                magnitude[k] = MathF.Sqrt(re * re + im * im);
            }
        }

        private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            var acc = Vector<float>.Zero;
            int i = 0;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            }

            float sum = Vector.Sum(acc);
            for (; i < a.Length; i++)
            {
                sum += a[i] * b[i];
            }

            return sum;
        }
    }
}
/// <summary>
/// Triangular mel filters on the Slaney mel scale with Slaney area normalisation (librosa.filters.mel with
/// htk=False, norm="slaney"), stored sparsely: each band touches only a few FFT bins.
/// </summary>
internal sealed class LegacyMelFilterBank
{
    private readonly int[] _firstBin;
    private readonly float[][] _weights;

    public LegacyMelFilterBank(int sampleRate, int fftSize, int bands, double minHz, double maxHz)
    {
        int bins = fftSize / 2 + 1;
        var edges = new double[bands + 2];
        double minMel = HzToMel(minHz), maxMel = HzToMel(maxHz);
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(minMel + (maxMel - minMel) * i / (bands + 1));
        }

        _firstBin = new int[bands];
        _weights = new float[bands][];
        for (int band = 0; band < bands; band++)
        {
            double lower = edges[band], centre = edges[band + 1], upper = edges[band + 2];
            double norm = 2.0 / (upper - lower);
            var weights = new List<float>();
            int first = -1;
            for (int bin = 0; bin < bins; bin++)
            {
                double hz = (double)bin * sampleRate / fftSize;
                double w = Math.Max(0, Math.Min((hz - lower) / (centre - lower), (upper - hz) / (upper - centre)));
                if (w <= 0)
                {
                    if (first >= 0)
                    {
                        break;
                    }

                    continue;
                }

                if (first < 0)
                {
                    first = bin;
                }

                weights.Add((float)(w * norm));
            }

            _firstBin[band] = Math.Max(first, 0);
            _weights[band] = [.. weights];
        }
    }

    public int Bands => _weights.Length;

    /// <summary>Mel energy of band <paramref name="band"/> from a magnitude spectrum.</summary>
    public float Apply(int band, ReadOnlySpan<float> magnitude)
    {
        var weights = _weights[band];
        var bins = magnitude.Slice(_firstBin[band], weights.Length);
        float sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            sum += weights[i] * bins[i];
        }

        return sum;
    }

    private const double LinearHzPerMel = 200.0 / 3;
    private const double LogStartHz = 1000.0;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    private static double HzToMel(double hz) =>
        hz < LogStartHz ? hz / LinearHzPerMel : LogStartHz / LinearHzPerMel + Math.Log(hz / LogStartHz) / LogStep;

    private static double MelToHz(double mel)
    {
        double logStartMel = LogStartHz / LinearHzPerMel;
        return mel < logStartMel ? mel * LinearHzPerMel : LogStartHz * Math.Exp(LogStep * (mel - logStartMel));
    }
}
