namespace WebAvatar.Benchmarks.Live;

/// <summary>Finds sound in a level trace (RMS samples on one clock): spans of activity and their edges.</summary>
internal static class AudioActivity
{
    /// <summary>
    /// Spans where the level exceeds <paramref name="threshold"/>, merging gaps shorter than <paramref name="bridgeMs"/>
    /// (the pauses between words). Start/End are the first and last loud sample.
    /// </summary>
    public static List<(double Start, double End)> Segments(IReadOnlyList<(double T, double Level)> trace, double threshold, double bridgeMs)
    {
        var segments = new List<(double Start, double End)>();
        foreach (var (t, level) in trace)
        {
            if (level <= threshold)
            {
                continue;
            }

            if (segments.Count > 0 && t - segments[^1].End < bridgeMs)
            {
                segments[^1] = (segments[^1].Start, t);
            }
            else
            {
                segments.Add((t, t));
            }
        }

        return segments;
    }

    /// <summary>The first loud sample in (from, to), or NaN.</summary>
    public static double FirstLoud(IReadOnlyList<(double T, double Level)> trace, double threshold, double from, double to)
    {
        foreach (var (t, level) in trace)
        {
            if (t > from && t < to && level > threshold)
            {
                return t;
            }
        }

        return double.NaN;
    }

    /// <summary>
    /// The last loud sample after <paramref name="from"/> that is followed by at least <paramref name="quietMs"/> of quiet, or NaN
    /// (the start of the first real silence: where interrupted speech stopped).
    /// </summary>
    public static double LoudUntilQuiet(IReadOnlyList<(double T, double Level)> trace, double threshold, double from, double quietMs)
    {
        double lastLoud = from;
        foreach (var (t, level) in trace)
        {
            if (t <= from)
            {
                continue;
            }

            if (level > threshold)
            {
                lastLoud = t;
            }
            else if (t - lastLoud >= quietMs)
            {
                return lastLoud;
            }
        }

        return double.NaN;
    }
}
