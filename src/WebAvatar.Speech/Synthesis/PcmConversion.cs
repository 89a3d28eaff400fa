namespace WebAvatar.Speech.Synthesis;

/// <summary>Float model output to 16-bit PCM.</summary>
public static class PcmConversion
{
    /// <summary>
    /// Scales <paramref name="samples"/> so the peak reaches full scale (as Piper does; quiet floors at 0.01 keep
    /// silence from being blown up) and converts to int16 into <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A sample is NaN or infinite (a broken or mis-fed model).</exception>
    public static void PeakNormalizeToInt16(ReadOnlySpan<float> samples, Span<short> destination, string source)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException("Destination is shorter than the samples.", nameof(destination));
        }

        float peak = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            float value = samples[i];
            if (!float.IsFinite(value))
            {
                throw new InvalidDataException($"{source} produced a non-finite sample ({value}) at index {i}; the model is broken or was fed bad inputs.");
            }

            peak = Math.Max(peak, Math.Abs(value));
        }

        float scale = 32767f / Math.Max(0.01f, peak);
        for (int i = 0; i < samples.Length; i++)
        {
            destination[i] = (short)Math.Clamp(MathF.Round(samples[i] * scale), -32767f, 32767f);
        }
    }
}
