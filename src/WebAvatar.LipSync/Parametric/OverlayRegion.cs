using OpenCvSharp;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Per-pixel paint laid over the warped image inside a fixed rectangle: first a shade multiplier (lid and lip
/// shadows), then an alpha-blended colour (mouth cavity, teeth). Buffers are allocated once and reused.
/// </summary>
internal sealed class OverlayRegion
{
    private readonly float[] _alpha;
    private readonly float[] _blue;
    private readonly float[] _green;
    private readonly float[] _red;
    private readonly float[] _shade;

    public OverlayRegion(Rect bounds)
    {
        Bounds = bounds;
        int n = Math.Max(0, bounds.Width * bounds.Height);
        _alpha = new float[n];
        _blue = new float[n];
        _green = new float[n];
        _red = new float[n];
        _shade = new float[n];
        Clear();
    }

    /// <summary>Pixel rectangle of the output image, already clipped to it.</summary>
    public Rect Bounds { get; }

    public void Clear()
    {
        Array.Clear(_alpha);
        Array.Fill(_shade, 1f);
    }

    public bool Contains(int x, int y) => x >= Bounds.X && y >= Bounds.Y && x < Bounds.Right && y < Bounds.Bottom;

    public void SetShade(int x, int y, float shade) => _shade[Index(x, y)] = shade;

    public void SetColor(int x, int y, float alpha, float blue, float green, float red)
    {
        int i = Index(x, y);
        _alpha[i] = alpha;
        _blue[i] = blue;
        _green[i] = green;
        _red[i] = red;
    }

    /// <summary>Paints onto a continuous 8-bit BGR image.</summary>
    public unsafe void Composite(Mat bgr)
    {
        byte* basePtr = (byte*)bgr.Data;
        long step = bgr.Step();
        for (int row = 0; row < Bounds.Height; row++)
        {
            byte* px = basePtr + (Bounds.Y + row) * step + Bounds.X * 3;
            int i = row * Bounds.Width;
            for (int col = 0; col < Bounds.Width; col++, i++, px += 3)
            {
                float shade = _shade[i];
                float alpha = _alpha[i];
                if (shade == 1f && alpha == 0f)
                {
                    continue;
                }

                float keep = shade * (1 - alpha);
                px[0] = (byte)Math.Clamp(px[0] * keep + _blue[i] * alpha + 0.5f, 0, 255);
                px[1] = (byte)Math.Clamp(px[1] * keep + _green[i] * alpha + 0.5f, 0, 255);
                px[2] = (byte)Math.Clamp(px[2] * keep + _red[i] * alpha + 0.5f, 0, 255);
            }
        }
    }

    private int Index(int x, int y) => (y - Bounds.Y) * Bounds.Width + (x - Bounds.X);
}
