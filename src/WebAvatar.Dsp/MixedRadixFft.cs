namespace WebAvatar.Dsp;

/// <summary>
/// Complex FFT for any length whose prime factors are small (Whisper's 400 = 4 x 4 x 5 x 5, Wav2Lip's 800 = 4 x 4 x 2 x 5 x 5), as a Stockham
/// auto-sort (no bit reversal): each stage of radix P turns n-point transforms into n/P-point ones. Twiddles are
/// precomputed; <see cref="Forward"/> allocates nothing and is thread-safe.
/// </summary>
public sealed class MixedRadixFft
{
    private readonly Stage[] _stages;

    public MixedRadixFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
        var stages = new List<Stage>();
        var n = length;
        var stride = 1;
        foreach (var radix in Factor(length))
        {
            stages.Add(new Stage(radix, n, stride));
            n /= radix;
            stride *= radix;
        }

        _stages = [.. stages];
    }

    public int Length { get; }

    /// <summary>
    /// In-place forward transform X[k] = sum x[j] e^(-2 pi i jk / N) of (<paramref name="re"/>, <paramref name="im"/>);
    /// <paramref name="scratchRe"/>/<paramref name="scratchIm"/> are work space of the same length.
    /// </summary>
    public void Forward(Span<double> re, Span<double> im, Span<double> scratchRe, Span<double> scratchIm)
    {
        if (re.Length != Length || im.Length != Length || scratchRe.Length != Length || scratchIm.Length != Length)
        {
            throw new ArgumentException($"All FFT buffers must hold exactly {Length} values.");
        }

        Span<double> sumRe = stackalloc double[8];
        Span<double> sumIm = stackalloc double[8];
        var inRe = re;
        var inIm = im;
        var outRe = scratchRe;
        var outIm = scratchIm;
        foreach (var stage in _stages)
        {
            stage.Run(inRe, inIm, outRe, outIm, sumRe, sumIm);
            var swapRe = inRe;
            inRe = outRe;
            outRe = swapRe;
            var swapIm = inIm;
            inIm = outIm;
            outIm = swapIm;
        }

        if (_stages.Length % 2 == 1)
        {
            inRe.CopyTo(re);
            inIm.CopyTo(im);
        }
    }

    private static List<int> Factor(int n)
    {
        var factors = new List<int>();
        foreach (var radix in new[] { 4, 2, 3, 5, 7 })
        {
            while (n % radix == 0)
            {
                factors.Add(radix);
                n /= radix;
            }
        }

        if (n != 1)
        {
            throw new ArgumentException($"FFT length must factor into 2, 3, 5 and 7; {n} remains.");
        }

        return factors;
    }

    /// <summary>One radix-P pass over n-point sub-transforms interleaved with stride s.</summary>
    private sealed class Stage
    {
        private readonly int _radix;
        private readonly int _m;
        private readonly int _stride;
        private readonly double[] _rootRe; // e^(-2 pi i rk / P), [r * P + k]
        private readonly double[] _rootIm;
        private readonly double[] _twiddleRe; // e^(-2 pi i pk / n), [p * P + k]
        private readonly double[] _twiddleIm;

        public Stage(int radix, int n, int stride)
        {
            _radix = radix;
            _m = n / radix;
            _stride = stride;
            _rootRe = new double[radix * radix];
            _rootIm = new double[radix * radix];
            for (var r = 0; r < radix; r++)
            {
                for (var k = 0; k < radix; k++)
                {
                    var angle = -2 * Math.PI * (r * k % radix) / radix;
                    _rootRe[r * radix + k] = Math.Cos(angle);
                    _rootIm[r * radix + k] = Math.Sin(angle);
                }
            }

            _twiddleRe = new double[_m * radix];
            _twiddleIm = new double[_m * radix];
            for (var p = 0; p < _m; p++)
            {
                for (var k = 0; k < radix; k++)
                {
                    var angle = -2 * Math.PI * p * k / n;
                    _twiddleRe[p * radix + k] = Math.Cos(angle);
                    _twiddleIm[p * radix + k] = Math.Sin(angle);
                }
            }
        }

        public void Run(ReadOnlySpan<double> xRe, ReadOnlySpan<double> xIm, Span<double> yRe, Span<double> yIm, Span<double> sumRe, Span<double> sumIm)
        {
            int radix = _radix, m = _m, s = _stride;
            for (var p = 0; p < m; p++)
            {
                for (var q = 0; q < s; q++)
                {
                    for (var k = 0; k < radix; k++)
                    {
                        double accRe = 0, accIm = 0;
                        for (var r = 0; r < radix; r++)
                        {
                            var index = q + (s * (p + (r * m)));
                            double wr = _rootRe[r * radix + k], wi = _rootIm[r * radix + k];
                            accRe += (xRe[index] * wr) - (xIm[index] * wi);
                            accIm += (xRe[index] * wi) + (xIm[index] * wr);
                        }

                        sumRe[k] = accRe;
                        sumIm[k] = accIm;
                    }

                    for (var k = 0; k < radix; k++)
                    {
                        double tr = _twiddleRe[p * radix + k], ti = _twiddleIm[p * radix + k];
                        var output = q + (s * ((radix * p) + k));
                        yRe[output] = (sumRe[k] * tr) - (sumIm[k] * ti);
                        yIm[output] = (sumRe[k] * ti) + (sumIm[k] * tr);
                    }
                }
            }
        }
    }
}
