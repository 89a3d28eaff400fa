namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// The feathered alpha a generated face is pasted with: separable smoothstep ramps that are exactly 0 on every box edge
/// and above the mouth line, and 1 over the mouth and chin (a hard rectangle paste shows a visible seam). It depends only
/// on the box size, so preprocessing stores one per distinct box size.
/// </summary>
internal static class BlendMask
{
    /// <summary>The generated (lower) half starts here, as in Wav2Lip's masked input; the alpha ramps up around it.</summary>
    private const float MouthTop = 0.5f, TopFeather = 0.1f, SideFeather = 0.22f, BottomFeather = 0.15f;

    /// <summary>Row-major w x h alpha in [0, 1].</summary>
    public static float[] Compute(int w, int h)
    {
        var column = new float[w];
        for (int x = 0; x < w; x++)
        {
            float u = (x + 0.5f) / w;
            column[x] = SmoothStep(0f, SideFeather, u) * SmoothStep(0f, SideFeather, 1f - u);
        }

        var mask = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            float v = (y + 0.5f) / h;
            float rowWeight = SmoothStep(MouthTop - TopFeather, MouthTop + TopFeather, v) * SmoothStep(0f, BottomFeather, 1f - v);
            for (int x = 0; x < w; x++)
            {
                mask[y * w + x] = rowWeight * column[x];
            }
        }

        return mask;
    }

    /// <summary>8-bit quantisation as stored in the cache (grayscale PNG); 0 and 1 stay exact.</summary>
    public static byte[] ToBytes(float[] mask)
    {
        var bytes = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp(mask[i] * 255f + 0.5f, 0f, 255f);
        }

        return bytes;
    }

    public static float[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var mask = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            mask[i] = bytes[i] / 255f;
        }

        return mask;
    }

    private static float SmoothStep(float edge0, float edge1, float x)
    {
        float t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3f - 2f * t);
    }
}
