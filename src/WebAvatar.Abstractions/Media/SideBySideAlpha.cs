namespace WebAvatar.Media;

/// <summary>
/// Reads <see cref="VideoLayout.ColorAlphaSideBySide"/> frames: the one place that knows their arrangement (premultiplied colour on
/// the left, opacity as grey on the right). Pure, allocation-free, thread-safe.
/// </summary>
public static class SideBySideAlpha
{
    /// <summary>
    /// Fills <paramref name="target"/> (the picture's size: half the packed frame's width, opaque) with the picture over a plain
    /// <paramref name="key"/> colour, as a chroma-key feed for tools that key a colour (OBS's Chroma Key filter).
    /// </summary>
    public static void OverColor(VideoFrame packed, (byte R, byte G, byte B) key, VideoFrame target)
    {
        int width = Check(packed, target.Width, target.Height);
        var source = packed.Pixels;
        var output = target.Pixels;
        for (int y = 0; y < packed.Height; y++)
        {
            var row = source.Slice(y * packed.Stride, packed.Stride);
            var outRow = output.Slice(y * target.Stride, target.Stride);
            for (int x = 0; x < width; x++)
            {
                int rest = 255 - row[(3 * (width + x)) + 1];
                int i = 3 * x;
                // Premultiplied: colour + key x (1 - alpha).
                outRow[i] = (byte)Math.Min(255, row[i] + (((key.B * rest) + 127) / 255));
                outRow[i + 1] = (byte)Math.Min(255, row[i + 1] + (((key.G * rest) + 127) / 255));
                outRow[i + 2] = (byte)Math.Min(255, row[i + 2] + (((key.R * rest) + 127) / 255));
            }
        }
    }

    /// <summary>Fills <paramref name="bgra"/> (picture width x height x 4, straight alpha) for image files with transparency.</summary>
    public static void ToBgra(VideoFrame packed, Span<byte> bgra)
    {
        int width = packed.Width / 2;
        if (packed.Layout != VideoLayout.ColorAlphaSideBySide || bgra.Length < width * packed.Height * 4)
        {
            throw new ArgumentException("Needs a side-by-side frame and room for its picture as BGRA.");
        }

        var source = packed.Pixels;
        for (int y = 0; y < packed.Height; y++)
        {
            var row = source.Slice(y * packed.Stride, packed.Stride);
            for (int x = 0; x < width; x++)
            {
                int a = row[(3 * (width + x)) + 1];
                int o = 4 * ((y * width) + x);
                for (int c = 0; c < 3; c++)
                {
                    bgra[o + c] = a == 0 ? (byte)0 : (byte)Math.Min(255, ((row[(3 * x) + c] * 255) + (a / 2)) / a);
                }

                bgra[o + 3] = (byte)a;
            }
        }
    }

    private static int Check(VideoFrame packed, int width, int height)
    {
        if (packed.Layout != VideoLayout.ColorAlphaSideBySide || packed.Width != width * 2 || packed.Height != height)
        {
            throw new ArgumentException($"Needs a side-by-side frame twice as wide as the {width}x{height} target.");
        }

        return width;
    }
}
