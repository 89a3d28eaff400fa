using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests;

internal static class FrameMath
{
    /// <summary>Mean absolute difference per channel inside (or outside) <paramref name="box"/>.</summary>
    public static double MeanAbsDiff(VideoFrame a, VideoFrame b, Box box, bool inside = true)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var pa = a.Pixels;
        var pb = b.Pixels;
        long sum = 0, count = 0;
        for (int y = 0; y < a.Height; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                if (box.Contains(x, y) != inside)
                {
                    continue;
                }

                int i = (y * a.Width + x) * 3;
                sum += Math.Abs(pa[i] - pb[i]) + Math.Abs(pa[i + 1] - pb[i + 1]) + Math.Abs(pa[i + 2] - pb[i + 2]);
                count += 3;
            }
        }

        return count == 0 ? 0 : sum / (double)count;
    }

    public static Box Grow(Box box, float fraction) => new(
        box.X - box.Width * fraction,
        box.Y - box.Height * fraction,
        box.Width * (1 + 2 * fraction),
        box.Height * (1 + 2 * fraction));
}
