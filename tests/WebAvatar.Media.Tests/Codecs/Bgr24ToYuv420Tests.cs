using WebAvatar.Media.Codecs.Video;

namespace WebAvatar.Media.Tests.Codecs;

public class Bgr24ToYuv420Tests
{
    [Theory]
    [InlineData(0, 0, 0, 16, 128, 128)]        // black
    [InlineData(255, 255, 255, 235, 128, 128)] // white
    [InlineData(255, 0, 0, 82, 90, 240)]       // red (R,G,B order here)
    [InlineData(0, 255, 0, 145, 54, 34)]       // green
    [InlineData(0, 0, 255, 41, 240, 110)]      // blue
    public void Solid_colours_match_bt601_limited_range(byte r, byte g, byte b, int y, int u, int v)
    {
        var (yPlane, uPlane, vPlane) = Convert(4, 2, (_, _) => (r, g, b));
        Assert.All(yPlane, value => Assert.InRange(value, y - 1, y + 1));
        Assert.All(uPlane, value => Assert.InRange(value, u - 1, u + 1));
        Assert.All(vPlane, value => Assert.InRange(value, v - 1, v + 1));
    }

    [Fact]
    public void Luma_is_per_pixel_and_chroma_averages_each_2x2_block()
    {
        // Left block: black and white pixels mixed (neutral chroma); right block: pure blue.
        var (yPlane, uPlane, _) = Convert(4, 2, (x, y) => x < 2 ? ((x + y) % 2 == 0 ? ((byte)0, (byte)0, (byte)0) : ((byte)255, (byte)255, (byte)255)) : ((byte)0, (byte)0, (byte)255));
        Assert.Equal(16, yPlane[0]);
        Assert.Equal(235, yPlane[1]);
        Assert.Equal(235, yPlane[4]);
        Assert.Equal(16, yPlane[5]);
        Assert.InRange(uPlane[0], 127, 129);
        Assert.InRange(uPlane[1], 239, 241);
    }

    [Fact]
    public void Respects_plane_strides_and_rejects_odd_sizes()
    {
        var bgr = new byte[4 * 2 * 3];
        var y = Enumerable.Repeat((byte)7, 16 * 2).ToArray();
        var u = new byte[16];
        var v = new byte[16];
        Bgr24ToYuv420.Convert(bgr, 4, 2, y, 16, u, 16, v, 16);
        Assert.Equal(16, y[3]);
        Assert.Equal(7, y[4]);   // padding past the visible width untouched
        Assert.Equal(16, y[16]); // second row starts at the stride

        var ex = Assert.Throws<ArgumentException>(() => Bgr24ToYuv420.Convert(new byte[3 * 3 * 3], 3, 3, new byte[9], 3, new byte[4], 2, new byte[4], 2));
        Assert.Contains("even", ex.Message);
        Assert.Throws<ArgumentException>(() => Bgr24ToYuv420.Convert(new byte[10], 4, 2, y, 16, u, 16, v, 16));
    }

    private static (byte[] Y, byte[] U, byte[] V) Convert(int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = colour(x, y);
                int o = (y * width + x) * 3;
                bgr[o] = b;
                bgr[o + 1] = g;
                bgr[o + 2] = r;
            }
        }

        var yPlane = new byte[width * height];
        var uPlane = new byte[width * height / 4];
        var vPlane = new byte[width * height / 4];
        Bgr24ToYuv420.Convert(bgr, width, height, yPlane, width, uPlane, width / 2, vPlane, width / 2);
        return (yPlane, uPlane, vPlane);
    }
}
