namespace WebAvatar.LipSync.Preprocessing;

/// <summary>A face rectangle in frame pixels: [X1, X2) x [Y1, Y2).</summary>
public readonly record struct FaceBox(int X1, int Y1, int X2, int Y2)
{
    public int Width => X2 - X1;

    public int Height => Y2 - Y1;

    public int Area => Width * Height;

    public bool Contains(int x, int y) => x >= X1 && x < X2 && y >= Y1 && y < Y2;

    /// <summary>Wav2Lip's pads (pixels added on each side), clamped to the frame.</summary>
    public FaceBox Pad(int top, int bottom, int left, int right, int frameWidth, int frameHeight) =>
        new(Math.Max(0, X1 - left), Math.Max(0, Y1 - top), Math.Min(frameWidth, X2 + right), Math.Min(frameHeight, Y2 + bottom));
}
