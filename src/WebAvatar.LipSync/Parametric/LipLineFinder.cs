using OpenCvSharp;

namespace WebAvatar.LipSync.Parametric;

/// <summary>The lip line found on the image: its row at the mouth centre and how much it curves up to the corners.</summary>
internal readonly record struct LipLine(float CenterY, float SmileLift, bool TeethVisible);

/// <summary>
/// Finds where the mouth opens. A smile that shows the upper teeth opens below them (between the teeth and the lower
/// lip); closed lips meet along the darkest row. Measured at the centre and toward both corners so the line can
/// follow a smile's curve.
/// </summary>
internal static class LipLineFinder
{
    /// <summary>Sample columns, as fractions of the mouth half-width: centre, left and right of it.</summary>
    private static readonly (float From, float To)[] Bands = [(-0.3f, 0.3f), (-0.75f, -0.45f), (0.45f, 0.75f)];

    /// <summary>Relative position of the side bands' middle; the parabola's lift at the corners is scaled from it.</summary>
    private const float SideBandCenter = 0.6f;

    public static LipLine Find(Mat bgr, Mat gray, float centerX, float guessY, float halfWidth, float range)
    {
        int y0 = Math.Max(1, (int)(guessY - range * 1.3f));
        int y1 = Math.Min(gray.Height - 2, (int)(guessY + range));
        int wx0 = Math.Max(0, (int)(centerX - halfWidth * 0.75f));
        int wx1 = Math.Min(gray.Width - 1, (int)(centerX + halfWidth * 0.75f));
        if (wx1 - wx0 < 6 || y1 - y0 < 3)
        {
            return new LipLine(guessY, 0, false);
        }

        var (medianSaturation, medianBrightness) = Medians(bgr, wx0, wx1, y0, y1);
        var rows = new float?[Bands.Length];
        bool teeth = false;
        for (int b = 0; b < Bands.Length; b++)
        {
            int x0 = Math.Max(0, (int)(centerX + Bands[b].From * halfWidth));
            int x1 = Math.Min(gray.Width - 1, (int)(centerX + Bands[b].To * halfWidth));
            var teethBottom = TeethBottom(bgr, x0, x1, y0, y1, medianSaturation, medianBrightness);
            if (b == 0)
            {
                teeth = teethBottom is not null;
            }

            rows[b] = teeth ? teethBottom + 1 : DarkestRow(gray, x0, x1, y0, y1, guessY, range);
        }

        float center = rows[0] ?? guessY;
        var sides = rows.Skip(1).OfType<float>().Select(r => center - r).ToList();
        float lift = sides.Count == 0 ? 0 : sides.Average() / (SideBandCenter * SideBandCenter);
        return new LipLine(center, Math.Clamp(lift, 0, halfWidth * 0.4f), teeth);
    }

    /// <summary>Last row of the longest run of rows where teeth-like pixels fill a third of the band, or null.</summary>
    private static int? TeethBottom(Mat bgr, int x0, int x1, int y0, int y1, int medianSaturation, int medianBrightness)
    {
        int width = x1 - x0 + 1;
        int runStart = -1, bestLength = 0, bestEnd = -1;
        for (int y = y0; y <= y1 + 1; y++)
        {
            int teeth = 0;
            for (int x = x0; y <= y1 && x <= x1; x++)
            {
                var (saturation, brightness) = Measure(bgr.At<Vec3b>(y, x));
                if (saturation < medianSaturation * 3 / 4 && brightness > medianBrightness)
                {
                    teeth++;
                }
            }

            bool teethRow = y <= y1 && teeth * 3 >= width;
            if (teethRow && runStart < 0)
            {
                runStart = y;
            }
            else if (!teethRow && runStart >= 0)
            {
                if (y - runStart > bestLength)
                {
                    bestLength = y - runStart;
                    bestEnd = y - 1;
                }

                runStart = -1;
            }
        }

        return bestLength >= 2 ? bestEnd : null;
    }

    private static float DarkestRow(Mat gray, int x0, int x1, int y0, int y1, float guessY, float range)
    {
        float bestScore = float.MaxValue;
        int bestRow = (int)guessY;
        for (int y = y0; y <= y1; y++)
        {
            double sum = 0;
            for (int x = x0; x <= x1; x++)
            {
                // Smooth over three rows so a single dark pixel row (noise) does not win.
                sum += gray.At<byte>(y - 1, x) + 2 * gray.At<byte>(y, x) + gray.At<byte>(y + 1, x);
            }

            // Mild pull toward the proportional guess breaks ties between similar dark lines.
            float score = (float)(sum / (4.0 * (x1 - x0 + 1))) + Math.Abs(y - guessY) / range * 12f;
            if (score < bestScore)
            {
                bestScore = score;
                bestRow = y;
            }
        }

        return bestRow;
    }

    private static (int Saturation, int Brightness) Medians(Mat bgr, int x0, int x1, int y0, int y1)
    {
        var saturation = new List<int>();
        var brightness = new List<int>();
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                var (s, b) = Measure(bgr.At<Vec3b>(y, x));
                saturation.Add(s);
                brightness.Add(b);
            }
        }

        saturation.Sort();
        brightness.Sort();
        return (saturation[saturation.Count / 2], brightness[brightness.Count / 2]);
    }

    private static (int Saturation, int Brightness) Measure(Vec3b bgr)
    {
        int max = Math.Max(bgr.Item0, Math.Max(bgr.Item1, bgr.Item2));
        int min = Math.Min(bgr.Item0, Math.Min(bgr.Item1, bgr.Item2));
        return (max - min, (bgr.Item0 * 11 + bgr.Item1 * 59 + bgr.Item2 * 30) / 100);
    }
}
