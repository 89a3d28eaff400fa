namespace WebAvatar.Media.Codecs.Video;

/// <summary>
/// Packed BGR24 to planar YUV 4:2:0 with integer BT.601 limited-range coefficients (the matrix H.264
/// decoders assume when the stream signals nothing). Chroma is the average of each 2x2 block.
/// </summary>
public static class Bgr24ToYuv420
{
    /// <summary>
    /// Converts a tightly packed <paramref name="width"/> x <paramref name="height"/> BGR24 picture (both even) into
    /// the given planes; chroma planes are width/2 x height/2. Strides may exceed the visible width.
    /// </summary>
    public static void Convert(
        ReadOnlySpan<byte> bgr,
        int width,
        int height,
        Span<byte> y,
        int yStride,
        Span<byte> u,
        int uStride,
        Span<byte> v,
        int vStride)
    {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0)
        {
            throw new ArgumentException($"YUV 4:2:0 needs positive even dimensions, got {width}x{height}.");
        }

        if (bgr.Length < width * height * 3)
        {
            throw new ArgumentException($"BGR24 buffer holds {bgr.Length} bytes, {width}x{height} needs {width * height * 3}.", nameof(bgr));
        }

        int chromaWidth = width / 2, chromaHeight = height / 2;
        CheckPlane(y, yStride, width, height, nameof(y));
        CheckPlane(u, uStride, chromaWidth, chromaHeight, nameof(u));
        CheckPlane(v, vStride, chromaWidth, chromaHeight, nameof(v));

        int rowBytes = width * 3;
        for (int cy = 0; cy < chromaHeight; cy++)
        {
            var top = bgr.Slice(2 * cy * rowBytes, rowBytes);
            var bottom = bgr.Slice((2 * cy + 1) * rowBytes, rowBytes);
            var yTop = y.Slice(2 * cy * yStride, width);
            var yBottom = y.Slice((2 * cy + 1) * yStride, width);
            var uRow = u.Slice(cy * uStride, chromaWidth);
            var vRow = v.Slice(cy * vStride, chromaWidth);
            for (int cx = 0; cx < chromaWidth; cx++)
            {
                int o = cx * 6;
                int b0 = top[o], g0 = top[o + 1], r0 = top[o + 2];
                int b1 = top[o + 3], g1 = top[o + 4], r1 = top[o + 5];
                int b2 = bottom[o], g2 = bottom[o + 1], r2 = bottom[o + 2];
                int b3 = bottom[o + 3], g3 = bottom[o + 4], r3 = bottom[o + 5];
                yTop[2 * cx] = Luma(r0, g0, b0);
                yTop[2 * cx + 1] = Luma(r1, g1, b1);
                yBottom[2 * cx] = Luma(r2, g2, b2);
                yBottom[2 * cx + 1] = Luma(r3, g3, b3);

                // Sum of four pixels: the shift by 10 divides by 256 (coefficients) and by 4 (average).
                int r = r0 + r1 + r2 + r3, g = g0 + g1 + g2 + g3, b = b0 + b1 + b2 + b3;
                uRow[cx] = (byte)(((-38 * r - 74 * g + 112 * b + 512) >> 10) + 128);
                vRow[cx] = (byte)(((112 * r - 94 * g - 18 * b + 512) >> 10) + 128);
            }
        }
    }

    private static byte Luma(int r, int g, int b) => (byte)(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);

    private static void CheckPlane(Span<byte> plane, int stride, int width, int height, string name)
    {
        if (stride < width || plane.Length < stride * (height - 1) + width)
        {
            throw new ArgumentException($"Plane {name} too small for {width}x{height} with stride {stride}.", name);
        }
    }
}
