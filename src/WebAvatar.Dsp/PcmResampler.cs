namespace WebAvatar.Dsp;

/// <summary>
/// Streaming band-limited resampler for mono 16-bit PCM between any two integer rates
/// (e.g. 22050 -> 16000 for TTS, 16000 -> 48000 for Opus, 48000 -> 16000 for the mic).
/// Polyphase windowed-sinc (Kaiser, beta 8.6): the rational ratio L/M gives L precomputed phases,
/// so each output sample is one dot product. Keeps its history between calls, so a stream cut into
/// arbitrary chunks resamples exactly as if it were one block. Not thread-safe: one instance per stream.
/// </summary>
public sealed class PcmResampler
{
    private const int ZeroCrossings = 16;
    private const double KaiserBeta = 8.6;
    private const double Passband = 0.94;

    private readonly int _up;
    private readonly int _down;
    private readonly int _taps;
    private readonly float[] _phases;
    private float[] _history;
    private int _historyCount;
    private long _outputIndex;
    private long _consumedInput;

    public PcmResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(inputRate, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(outputRate, 0);
        InputRate = inputRate;
        OutputRate = outputRate;
        int gcd = Gcd(inputRate, outputRate);
        _up = outputRate / gcd;
        _down = inputRate / gcd;

        double cutoff = Math.Min(1.0, outputRate / (double)inputRate) * Passband;
        _taps = 2 * (int)Math.Ceiling(ZeroCrossings / cutoff);
        _phases = BuildPhases(_up, _taps, cutoff);
        _history = new float[_taps * 4];

        // Prime with half a filter of silence so output sample 0 aligns with input sample 0.
        _historyCount = _taps / 2 - 1;
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    /// <summary>Upper bound of output samples produced for <paramref name="inputSamples"/> more input.</summary>
    public int MaxOutputFor(int inputSamples) => (int)((long)(inputSamples + _taps) * _up / _down) + 2;

    /// <summary>
    /// Resamples <paramref name="input"/> into <paramref name="output"/> and returns the samples written.
    /// <paramref name="output"/> must hold <see cref="MaxOutputFor"/>(input.Length) samples.
    /// The last ~half filter of input is held back until more input (or <see cref="Flush"/>) arrives.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        EnsureHistoryCapacity(_historyCount + input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            _history[_historyCount + i] = input[i];
        }

        _historyCount += input.Length;
        return Drain(output);
    }

    /// <summary>Pushes out the held-back tail by feeding half a filter of silence.</summary>
    public int Flush(Span<short> output)
    {
        Span<short> silence = stackalloc short[_taps];
        silence.Clear();
        return Process(silence[..(_taps / 2)], output);
    }

    /// <summary>Resamples a whole buffer in one call (convenience for non-streaming callers).</summary>
    public static short[] ResampleAll(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        var resampler = new PcmResampler(inputRate, outputRate);
        var output = new short[resampler.MaxOutputFor(input.Length) + resampler._taps];
        int n = resampler.Process(input, output);
        n += resampler.Flush(output.AsSpan(n));
        int expected = (int)Math.Round((double)input.Length * outputRate / inputRate);
        return output.AsSpan(0, Math.Min(n, expected)).ToArray();
    }

    private int Drain(Span<short> output)
    {
        int written = 0;
        while (true)
        {
            long position = _outputIndex * _down;
            long inputIndex = position / _up;
            int phase = (int)(position % _up);
            long first = inputIndex - _consumedInput;
            if (first + _taps > _historyCount)
            {
                break;
            }

            if (written >= output.Length)
            {
                throw new ArgumentException("Output buffer too small; size it with MaxOutputFor().", nameof(output));
            }

            var coefficients = _phases.AsSpan(phase * _taps, _taps);
            var window = _history.AsSpan((int)first, _taps);
            float acc = 0;
            for (int k = 0; k < _taps; k++)
            {
                acc += coefficients[k] * window[k];
            }

            output[written++] = (short)Math.Clamp(MathF.Round(acc), short.MinValue, short.MaxValue);
            _outputIndex++;
        }

        // Drop input no future output can reach.
        long nextInput = _outputIndex * _down / _up;
        int discard = (int)Math.Clamp(nextInput - _consumedInput, 0, _historyCount);
        if (discard > 0)
        {
            Array.Copy(_history, discard, _history, 0, _historyCount - discard);
            _historyCount -= discard;
            _consumedInput += discard;
        }

        return written;
    }

    private void EnsureHistoryCapacity(int needed)
    {
        if (needed > _history.Length)
        {
            Array.Resize(ref _history, Math.Max(needed, _history.Length * 2));
        }
    }

    private static float[] BuildPhases(int up, int taps, double cutoff)
    {
        // Phase p evaluates the kernel at fractional offsets (k - taps/2 + 1) - p/up relative to the output instant.
        var table = new float[up * taps];
        double half = taps / 2.0;
        double i0Beta = BesselI0(KaiserBeta);
        for (int p = 0; p < up; p++)
        {
            double frac = p / (double)up;
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                double t = k - (taps / 2 - 1) - frac;
                double x = cutoff * t;
                double sinc = Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                double r = t / half;
                double window = Math.Abs(r) >= 1 ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - r * r)) / i0Beta;
                double value = cutoff * sinc * window;
                table[p * taps + k] = (float)value;
                sum += value;
            }

            // Normalise each phase to unity DC gain so constant signals stay constant.
            for (int k = 0; k < taps; k++)
            {
                table[p * taps + k] = (float)(table[p * taps + k] / sum);
            }
        }

        return table;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 50; k++)
        {
            term *= q / (k * k);
            sum += term;
            if (term < 1e-12 * sum)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
