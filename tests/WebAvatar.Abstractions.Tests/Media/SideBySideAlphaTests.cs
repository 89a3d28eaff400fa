namespace WebAvatar.Abstractions.Tests.Media;

using WebAvatar.Media;

public class SideBySideAlphaTests
{
    [Fact]
    public void Over_a_colour_adds_the_key_where_the_picture_is_transparent()
    {
        using var packed = Packed((50, 100, 150), 128);
        using var target = new VideoFrame(1, 1);
        SideBySideAlpha.OverColor(packed, (R: 0, G: 255, B: 10), target);
        // Premultiplied colour + key x (1 - 128/255): B 50 + 5, G 100 + 127, R 150 + 0.
        Assert.Equal(new byte[] { 55, 227, 150 }, target.Pixels.ToArray());
    }

    [Fact]
    public void To_bgra_undoes_the_premultiplication()
    {
        using var packed = Packed((50, 100, 128), 128);
        var bgra = new byte[4];
        SideBySideAlpha.ToBgra(packed, bgra);
        Assert.Equal(new byte[] { 100, 199, 255, 128 }, bgra);

        using var clear = Packed((0, 0, 0), 0);
        SideBySideAlpha.ToBgra(clear, bgra);
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, bgra);
    }

    [Fact]
    public void Opaque_frames_and_wrong_sizes_are_refused()
    {
        using var opaque = new VideoFrame(2, 1);
        using var target = new VideoFrame(1, 1);
        Assert.Throws<ArgumentException>(() => SideBySideAlpha.OverColor(opaque, (0, 255, 0), target));
        using var packed = Packed((1, 2, 3), 4);
        using var tooBig = new VideoFrame(2, 1);
        Assert.Throws<ArgumentException>(() => SideBySideAlpha.OverColor(packed, (0, 255, 0), tooBig));
        Assert.Throws<ArgumentException>(() => SideBySideAlpha.ToBgra(packed, new byte[3]));
    }

    /// <summary>A one-pixel picture: premultiplied BGR, then its opacity as grey.</summary>
    private static VideoFrame Packed((byte B, byte G, byte R) colour, byte alpha)
    {
        var frame = new VideoFrame(2, 1) { Layout = VideoLayout.ColorAlphaSideBySide };
        byte[] pixels = [colour.B, colour.G, colour.R, alpha, alpha, alpha];
        pixels.CopyTo(frame.Pixels);
        return frame;
    }
}
