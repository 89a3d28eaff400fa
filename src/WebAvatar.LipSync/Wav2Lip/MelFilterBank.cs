namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>
/// Triangular mel filters on the Slaney mel scale with Slaney area normalisation (librosa.filters.mel with
/// htk=False, norm="slaney"), stored sparsely: each band touches only a few FFT bins.
/// </summary>
internal sealed class MelFilterBank
{
    private readonly int[] _firstBin;
    private readonly float[][] _weights;

    public MelFilterBank(int sampleRate, int fftSize, int bands, double minHz, double maxHz)
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
