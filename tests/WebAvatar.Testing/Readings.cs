namespace WebAvatar.Testing;

/// <summary>
/// Summaries of repeated timing readings. On two shared cores one reading can catch a scheduler hiccup; a median of
/// several holds the real target without loosening it.
/// </summary>
public static class Readings
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No readings.", nameof(values));
        }

        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// Least squares y = a + b x over many readings: b, and the RMS of what the line leaves unexplained. A slope fitted over a
    /// run is far more precise than its end points, which is how a short run can bound a drift per hour honestly.
    /// </summary>
    public static (double Slope, double Residual) LinearFit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 3)
        {
            throw new ArgumentException("A fit needs at least three points.", nameof(points));
        }

        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        return (slope, Math.Sqrt(points.Average(p => Math.Pow(p.Y - my - slope * (p.X - mx), 2))));
    }

    public static string Format(IEnumerable<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
}
