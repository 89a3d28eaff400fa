namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Per-pixel opacity of an avatar picture, 0 (background) to 255 (avatar), row-major, one byte per pixel of the
/// <see cref="Width"/> x <see cref="Height"/> picture it was made for. Immutable once made; <see cref="Method"/> says how.
/// </summary>
public sealed class AlphaMatte
{
    public AlphaMatte(int width, int height, byte[] alpha, string method, ScreenColor? screen = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(width, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(height, 0);
        ArgumentNullException.ThrowIfNull(alpha);
        if (alpha.Length != width * height)
        {
            throw new ArgumentException($"A {width}x{height} matte needs {width * height} values, not {alpha.Length}.", nameof(alpha));
        }

        Width = width;
        Height = height;
        Alpha = alpha;
        Method = method;
        Screen = screen;
    }

    /// <summary>The screen colour a chroma-keyed picture was filmed on (its colour needs spill suppression); null when segmented.</summary>
    public ScreenColor? Screen { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Do not write: the matte may be shared between renders.</summary>
    public byte[] Alpha { get; }

    /// <summary>"chroma-key (green)", "chroma-key (blue)", "grabcut" or "onnx" (<see cref="OnnxMattingModel"/>).</summary>
    public string Method { get; }

    public byte this[int x, int y] => Alpha[(y * Width) + x];

    /// <summary>Intersection over union of the opaque halves (alpha >= 128) of this matte and a mask of the same size.</summary>
    public double IntersectionOverUnion(ReadOnlySpan<bool> mask)
    {
        if (mask.Length != Alpha.Length)
        {
            throw new ArgumentException("The mask is not the matte's size.", nameof(mask));
        }

        long both = 0, either = 0;
        for (int i = 0; i < Alpha.Length; i++)
        {
            bool opaque = Alpha[i] >= 128;
            both += opaque && mask[i] ? 1 : 0;
            either += opaque || mask[i] ? 1 : 0;
        }

        return either == 0 ? 1 : (double)both / either;
    }
}
