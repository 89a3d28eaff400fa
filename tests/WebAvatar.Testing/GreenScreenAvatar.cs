using OpenCvSharp;
using WebAvatar.LipSync.Matting;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.Testing;

/// <summary>
/// The default avatar as if filmed on a green screen: its GrabCut matte (seeded from the known face) composited over studio green,
/// soft edges mixing in the screen as filming does. The matte's opaque half is the ground truth a keyer should find.
/// </summary>
public static class GreenScreenAvatar
{
    public const int Side = 512;

    public static readonly (byte R, byte G, byte B) Screen = (0, 177, 64);

    /// <summary>The astronaut's face in the default avatar (pixels of the 512 x 512 picture).</summary>
    public static readonly FaceBox Face = new(180, 70, 280, 190);

    /// <summary>Writes the picture as green-screen.png into <paramref name="folder"/>; returns its path and the true mask.</summary>
    public static (string Path, bool[] Mask) Write(string folder)
    {
        using var portrait = Cv2.ImRead(System.IO.Path.Combine(RepoPaths.Root, "wwwroot-assets", "avatars", "default", "avatar.png"), ImreadModes.Color);
        if (portrait.Width != Side || portrait.Height != Side)
        {
            throw new InvalidOperationException($"The default avatar is {portrait.Width}x{portrait.Height}, not {Side}x{Side}: run ./scripts/setup.sh");
        }

        var matte = GrabCutSegmenter.Segment(portrait, Face);
        var pixels = new byte[Side * Side * 3];
        using (var continuous = portrait.Clone())
        {
            System.Runtime.InteropServices.Marshal.Copy(continuous.Data, pixels, 0, pixels.Length);
        }

        for (int i = 0; i < Side * Side; i++)
        {
            double a = matte.Alpha[i] / 255.0;
            pixels[3 * i] = (byte)Math.Round((pixels[3 * i] * a) + (Screen.B * (1 - a)));
            pixels[(3 * i) + 1] = (byte)Math.Round((pixels[(3 * i) + 1] * a) + (Screen.G * (1 - a)));
            pixels[(3 * i) + 2] = (byte)Math.Round((pixels[(3 * i) + 2] * a) + (Screen.R * (1 - a)));
        }

        var path = System.IO.Path.Combine(folder, "green-screen.png");
        using var filmed = Mat.FromPixelData(Side, Side, MatType.CV_8UC3, pixels);
        if (!Cv2.ImWrite(path, filmed))
        {
            throw new IOException("Could not write " + path);
        }

        return (path, matte.Alpha.Select(a => a >= 128).ToArray());
    }
}
