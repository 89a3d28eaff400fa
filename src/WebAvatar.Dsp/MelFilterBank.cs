namespace WebAvatar.Dsp;

/// <summary>
/// Slaney-scale triangular mel filters with Slaney area normalisation (librosa.filters.mel defaults,
/// which Whisper's mel_filters.npz was made with). Stored sparsely: each band keeps only its non-zero bins.
/// </summary>
public sealed class MelFilterBank
{
    private const double MinLogHz = 1000.0;
    private const double LinearStep = 200.0 / 3;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;
    private static readonly double MinLogMel = MinLogHz / LinearStep;

    public MelFilterBank(int bands, int fftSize, int sampleRate, double fMin, double fMax)
    {
        Bands = bands;
        var bins = fftSize / 2 + 1;
        var fftFreqs = new double[bins];
        for (var k = 0; k < bins; k++)
        {
            fftFreqs[k] = k * (sampleRate / 2.0) / (bins - 1);
        }

        var melMin = HzToMel(fMin);
        var melMax = HzToMel(fMax);
        var edges = new double[bands + 2];
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(melMin + (melMax - melMin) * i / (bands + 1));
        }

        FirstBin = new int[bands];
        Weights = new double[bands][];
        for (var m = 0; m < bands; m++)
        {
            var lowerWidth = edges[m + 1] - edges[m];
            var upperWidth = edges[m + 2] - edges[m + 1];
            var norm = 2.0 / (edges[m + 2] - edges[m]);
            var row = new double[bins];
            int first = -1, last = -1;
            for (var k = 0; k < bins; k++)
            {
                var lower = (fftFreqs[k] - edges[m]) / lowerWidth;
                var upper = (edges[m + 2] - fftFreqs[k]) / upperWidth;
                row[k] = Math.Max(0, Math.Min(lower, upper)) * norm;
                if (row[k] > 0)
                {
                    first = first < 0 ? k : first;
                    last = k;
                }
            }

            FirstBin[m] = Math.Max(first, 0);
            Weights[m] = first < 0 ? [] : row[first..(last + 1)];
        }
    }

    public int Bands { get; }

    /// <summary>First FFT bin with a non-zero weight, per band.</summary>
    public int[] FirstBin { get; }

    /// <summary>The non-zero weights of each band, starting at <see cref="FirstBin"/>.</summary>
    public double[][] Weights { get; }

    /// <summary>Energy of band <paramref name="band"/>: its weights applied to a spectrum of fftSize / 2 + 1 bins.</summary>
    public double Apply(int band, ReadOnlySpan<double> spectrum)
    {
        var weights = Weights[band];
        var bins = spectrum.Slice(FirstBin[band], weights.Length);
        double sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i] * bins[i];
        }

        return sum;
    }

    public static double HzToMel(double hz) => hz >= MinLogHz ? MinLogMel + Math.Log(hz / MinLogHz) / LogStep : hz / LinearStep;

    public static double MelToHz(double mel) => mel >= MinLogMel ? MinLogHz * Math.Exp(LogStep * (mel - MinLogMel)) : LinearStep * mel;
}
