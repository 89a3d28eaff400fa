using OpenCvSharp;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Keys out a green or blue screen: opacity from how far each pixel's key channel rises above the other two (soft across the
/// screen's own spread, so anti-aliased hair and edges stay partly transparent), then spill suppression, which caps the key
/// channel at the larger of the other two wherever the screen shows through or reflects, so no green (or blue) fringe is left.
/// </summary>
public static class ChromaKeyer
{
    private const int MinScreenDominance = 40;   // median key excess of the border that makes it a screen (of 255)
    private const double MinScreenShare = 0.7;    // share of border pixels that must look like the screen
    private const double BorderFraction = 0.04;

    /// <summary>True when the picture's border is a green or blue screen; <paramref name="color"/> says which.</summary>
    public static bool TryDetectScreen(Mat bgr, out ScreenColor color)
    {
        bool found = TryMeasureScreen(bgr, out ScreenBorder border);
        color = border.Color;
        return found;
    }

    /// <summary>
    /// As <see cref="TryDetectScreen(Mat, out ScreenColor)"/>, also handing back the border's statistics so that
    /// <see cref="Key(Mat, ScreenBorder, bool)"/> need not measure the border again.
    /// </summary>
    public static bool TryMeasureScreen(Mat bgr, out ScreenBorder border)
    {
        var pixels = Pixels(bgr);
        foreach (var candidate in new[] { ScreenColor.Green, ScreenColor.Blue })
        {
            var measured = Measure(pixels, bgr.Width, bgr.Height, candidate, out int median, out double share);
            if (median >= MinScreenDominance && share >= MinScreenShare)
            {
                border = measured;
                return true;
            }
        }

        border = default;
        return false;
    }

    /// <summary>
    /// The matte of <paramref name="bgr"/> against a <paramref name="color"/> screen. With <paramref name="despill"/> the picture's
    /// own pixels are corrected in place (its key channel capped where the screen tinted it).
    /// </summary>
    public static AlphaMatte Key(Mat bgr, ScreenColor color, bool despill = true)
    {
        var pixels = Pixels(bgr);
        return Key(bgr, pixels, Measure(pixels, bgr.Width, bgr.Height, color, out _, out _), despill);
    }

    /// <summary>The matte against the screen <see cref="TryMeasureScreen"/> found on this same picture.</summary>
    public static AlphaMatte Key(Mat bgr, ScreenBorder border, bool despill = true) => Key(bgr, Pixels(bgr), border, despill);

    private static AlphaMatte Key(Mat bgr, byte[] pixels, ScreenBorder border, bool despill)
    {
        var alpha = new byte[bgr.Width * bgr.Height];
        KeyInPlace(pixels, border, alpha, despill);
        if (despill)
        {
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bgr.Data, pixels.Length);
        }

        return new AlphaMatte(bgr.Width, bgr.Height, alpha, border.Color == ScreenColor.Green ? "chroma-key (green)" : "chroma-key (blue)", border.Color);
    }

    /// <summary>
    /// Keys one picture of tightly packed BGR <paramref name="bgr"/> against the screen <paramref name="border"/> describes: writes each
    /// pixel's opacity to <paramref name="alpha"/> and, with <paramref name="despill"/>, caps its key channel in place. Allocation-free,
    /// for keying every frame of a video with the statistics of its first.
    /// </summary>
    public static void KeyInPlace(Span<byte> bgr, ScreenBorder border, Span<byte> alpha, bool despill = true)
    {
        if (bgr.Length != alpha.Length * 3)
        {
            throw new ArgumentException("The opacity needs one value per BGR pixel.", nameof(alpha));
        }

        var color = border.Color;
        // Fully transparent from a third of the way down the screen's spread, fully opaque below a tenth of its median:
        // the band between is where edges and motion blur mix avatar and screen.
        double screen = Math.Max(MinScreenDominance, border.Level);
        double transparentAt = screen * 0.6, opaqueAt = screen * 0.15;
        for (int i = 0; i < alpha.Length; i++)
        {
            int b = bgr[3 * i], g = bgr[(3 * i) + 1], r = bgr[(3 * i) + 2];
            int d = Dominance(b, g, r, color);
            double t = Math.Clamp((d - opaqueAt) / (transparentAt - opaqueAt), 0, 1);
            alpha[i] = (byte)Math.Round(255 * (1 - (t * t * (3 - (2 * t)))));
            if (despill && d > 0)
            {
                CapKeyChannel(bgr.Slice(3 * i, 3), color);
            }
        }
    }

    // The key channel never exceeds the larger of the other two: spill becomes neutral, not tinted.
    private static void CapKeyChannel(Span<byte> pixel, ScreenColor color)
    {
        if (color == ScreenColor.Green)
        {
            pixel[1] = Math.Max(pixel[0], pixel[2]);
        }
        else
        {
            pixel[0] = Math.Max(pixel[1], pixel[2]);
        }
    }

    /// <summary>
    /// Caps the key channel of every pixel of <paramref name="bgr"/> (in place) at the larger of the other two, so spill from the
    /// screen becomes neutral rather than tinted.
    /// </summary>
    public static void Despill(Mat bgr, ScreenColor color)
    {
        var pixels = Pixels(bgr);
        for (int i = 0; i < pixels.Length; i += 3)
        {
            if (Dominance(pixels[i], pixels[i + 1], pixels[i + 2], color) > 0)
            {
                CapKeyChannel(pixels.AsSpan(i, 3), color);
            }
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bgr.Data, pixels.Length);
    }

    /// <summary>How far the key channel rises above the larger of the other two (negative: below).</summary>
    public static int Dominance(int b, int g, int r, ScreenColor color) =>
        color == ScreenColor.Green ? g - Math.Max(r, b) : b - Math.Max(r, g);

    /// <summary>A copy of the picture's bytes; both entry points read through here, so both refuse what cannot be read as one block.</summary>
    private static byte[] Pixels(Mat bgr)
    {
        if (bgr.Type() != MatType.CV_8UC3 || !bgr.IsContinuous())
        {
            throw new ArgumentException("Chroma keying needs a continuous 8-bit BGR picture.", nameof(bgr));
        }

        var pixels = new byte[bgr.Width * bgr.Height * 3];
        System.Runtime.InteropServices.Marshal.Copy(bgr.Data, pixels, 0, pixels.Length);
        return pixels;
    }

    /// <summary>The sorted key dominance of the border, reduced to what detection and keying read from it.</summary>
    private static ScreenBorder Measure(byte[] pixels, int width, int height, ScreenColor color, out int median, out double share)
    {
        var border = BorderDominance(pixels, width, height, color);
        border.Sort();
        median = border[border.Count / 2];
        share = border.Count(d => d > MinScreenDominance / 2) / (double)border.Count;
        return new ScreenBorder(color, border[border.Count / 3]);
    }

    private static List<int> BorderDominance(byte[] pixels, int width, int height, ScreenColor color)
    {
        int bx = Math.Max(1, (int)(width * BorderFraction)), by = Math.Max(1, (int)(height * BorderFraction));
        var values = new List<int>();
        for (int y = 0; y < height - by; y++) // not the bottom edge: a portrait's body usually runs off it
        {
            for (int x = 0; x < width; x++)
            {
                if (y < by || x < bx || x >= width - bx)
                {
                    int i = 3 * ((y * width) + x);
                    values.Add(Dominance(pixels[i], pixels[i + 1], pixels[i + 2], color));
                }
            }
        }

        return values;
    }
}
