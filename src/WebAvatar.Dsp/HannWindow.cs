namespace WebAvatar.Dsp;

/// <summary>The Hann window every spectral front end here uses.</summary>
public static class HannWindow
{
    /// <summary>Periodic Hann of <paramref name="length"/> (scipy/librosa/torch default for STFT): 0.5 - 0.5 cos(2 pi n / N).</summary>
    public static double[] Periodic(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var window = new double[length];
        for (var n = 0; n < length; n++)
        {
            window[n] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / length);
        }

        return window;
    }
}
