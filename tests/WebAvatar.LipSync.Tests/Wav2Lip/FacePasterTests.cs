using WebAvatar.LipSync.Preprocessing;
using WebAvatar.LipSync.Wav2Lip;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

public class FacePasterTests
{
    private const int Width = 200, Height = 200, Size = 96;
    private static readonly FaceBox Box = new(40, 30, 160, 170);

    /// <summary>The frame brightens left to right, the generated face top to bottom: after the paste they differ a lot inside.</summary>
    private static (byte[] Frame, byte[] Original, float[] Output) Scene()
    {
        var frame = new byte[Width * Height * 3];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    frame[(y * Width + x) * 3 + c] = (byte)(40 + x * 0.8 + c * 10);
                }
            }
        }

        var output = new float[3 * Size * Size];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    output[(c * Size + y) * Size + x] = 0.1f + 0.8f * y / (Size - 1f);
                }
            }
        }

        return (frame, (byte[])frame.Clone(), output);
    }

    [Fact]
    public void The_paste_fades_in_from_the_box_edge_with_no_step()
    {
        var (frame, original, output) = Scene();
        new FacePaster().Paste(frame, Width, Box, output, Size);

        int maxStep = 0, maxChange = 0, maxEdge = 0;
        int D(int x, int y, int c) => frame[(y * Width + x) * 3 + c] - original[(y * Width + x) * 3 + c];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int d = D(x, y, c);
                    if (!Box.Contains(x, y))
                    {
                        Assert.Equal(0, d);
                        continue;
                    }

                    maxChange = Math.Max(maxChange, Math.Abs(d));
                    if (x == Box.X1 || x == Box.X2 - 1 || y == Box.Y1 || y == Box.Y2 - 1)
                    {
                        maxEdge = Math.Max(maxEdge, Math.Abs(d));
                    }

                    if (x + 1 < Box.X2)
                    {
                        maxStep = Math.Max(maxStep, Math.Abs(D(x + 1, y, c) - d));
                    }

                    if (y + 1 < Box.Y2)
                    {
                        maxStep = Math.Max(maxStep, Math.Abs(D(x, y + 1, c) - d));
                    }
                }
            }
        }

        Assert.True(maxChange >= 40, $"the pasted face changed the frame by at most {maxChange}");
        Assert.True(maxEdge <= 1, $"the box edge changed by {maxEdge}");
        // A hard paste would step by the full change (>= 40) at the border; the feather spreads it over many pixels.
        Assert.True(maxStep <= maxChange / 4, $"neighbouring pixels of the change differ by up to {maxStep} (change {maxChange})");
    }

    [Fact]
    public void The_upper_face_is_never_touched()
    {
        var (frame, original, output) = Scene();
        new FacePaster().Paste(frame, Width, Box, output, Size);
        int mouthLine = Box.Y1 + (int)(Box.Height * 0.4);
        Assert.True(frame.AsSpan(0, mouthLine * Width * 3).SequenceEqual(original.AsSpan(0, mouthLine * Width * 3)));
    }

    [Fact]
    public void Model_input_is_the_masked_crop_then_the_crop_scaled_to_unit()
    {
        var crop = new byte[Size * Size * 3];
        new Random(3).NextBytes(crop);
        var input = new float[6 * Size * Size];
        FacePaster.FillModelInput(crop, Size, input);
        int plane = Size * Size;
        int top = 10 * Size + 20, bottom = 70 * Size + 20;
        Assert.Equal(crop[top * 3 + 2] / 255f, input[2 * plane + top]);
        Assert.Equal(0f, input[2 * plane + bottom]);
        Assert.Equal(crop[bottom * 3 + 1] / 255f, input[4 * plane + bottom]);
        Assert.Equal(0f, input[48 * Size]); // row 48 is the first masked row
        Assert.NotEqual(0f, input[3 * plane + 48 * Size]);
    }
}
