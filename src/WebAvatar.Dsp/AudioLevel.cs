namespace WebAvatar.Dsp;

/// <summary>Root-mean-square level of PCM, in the samples' own units (0..32768 for 16-bit, 0..1 for float).</summary>
public static class AudioLevel
{
    /// <summary>RMS of <paramref name="samples"/>; 0 when empty.</summary>
    public static double Rms(ReadOnlySpan<short> samples) => Rms(samples, samples.Length);

    /// <summary>
    /// RMS over a window of <paramref name="windowLength"/> samples of which <paramref name="samples"/> are the start
    /// (the rest count as silence, e.g. a window that runs past the end of a clip); 0 when the window is empty.
    /// </summary>
    public static double Rms(ReadOnlySpan<short> samples, int windowLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, samples.Length);
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return windowLength == 0 ? 0 : Math.Sqrt(sum / windowLength);
    }

    /// <summary>RMS of <paramref name="samples"/>; 0 when empty.</summary>
    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return samples.IsEmpty ? 0 : Math.Sqrt(sum / samples.Length);
    }
}
