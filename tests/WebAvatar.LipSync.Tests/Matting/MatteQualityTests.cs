using OpenCvSharp;
using WebAvatar.LipSync.Matting;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>
/// Mattes against known masks: a generated green-screen video of a person-shaped figure (edges mixed with the screen, the screen's
/// colour spilled on the rim), the same on blue, and the figure in an ordinary room for the no-screen path (GrabCut from the face).
/// </summary>
public class MatteQualityTests
{
    private const int Width = 360, Height = 480;

    [Fact]
    public void Green_screen_video_keys_each_frame_close_to_the_known_mask_without_a_green_fringe()
    {
        foreach (var sway in new[] { -1.0, -0.5, 0, 0.5, 1.0 }) // five frames of a head swaying left to right
        {
            using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.GreenScreen, sway, seed: 7);
            Assert.True(ChromaKeyer.TryDetectScreen(frame.Picture, out var screen));
            Assert.Equal(ScreenColor.Green, screen);

            using var unspilled = frame.Picture.Clone();
            double fringeBefore = FringeOverGrey(unspilled, ChromaKeyer.Key(unspilled, ScreenColor.Green, despill: false), frame.Mask, ScreenColor.Green);
            var matte = ChromaKeyer.Key(frame.Picture, ScreenColor.Green);

            Assert.Equal("chroma-key (green)", matte.Method);
            double iou = matte.IntersectionOverUnion(frame.Mask);
            Assert.True(iou >= 0.98, $"sway {sway}: IoU {iou:F3} against the known mask");
            Assert.True(fringeBefore > 4, $"sway {sway}: keyed without despill, the edge should show the screen's green ({fringeBefore:F1})");
            double fringe = FringeOverGrey(frame.Picture, matte, frame.Mask, ScreenColor.Green);
            Assert.True(fringe < 1, $"sway {sway}: mean green excess along the edge {fringe:F1} after despill (was {fringeBefore:F1})");
            AssertSoftEdge(matte, frame.Mask);
        }
    }

    [Fact]
    public void Blue_screen_is_found_and_keyed_too()
    {
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.BlueScreen, 0.3, seed: 3);
        Assert.True(ChromaKeyer.TryDetectScreen(frame.Picture, out var screen));
        Assert.Equal(ScreenColor.Blue, screen);
        var matte = ChromaKeyer.Key(frame.Picture, ScreenColor.Blue);
        Assert.True(matte.IntersectionOverUnion(frame.Mask) >= 0.98);
        double fringe = FringeOverGrey(frame.Picture, matte, frame.Mask, ScreenColor.Blue);
        Assert.True(fringe < 1, $"mean blue excess along the edge {fringe:F1} after despill");
    }

    [Fact]
    public void Keying_with_the_border_measured_at_detection_gives_the_same_matte_as_measuring_it_again()
    {
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.GreenScreen, -0.4, seed: 11);
        Assert.True(ChromaKeyer.TryMeasureScreen(frame.Picture, out var border));
        Assert.Equal(ScreenColor.Green, border.Color);
        using var again = frame.Picture.Clone();
        Assert.Equal(ChromaKeyer.Key(again, ScreenColor.Green).Alpha, ChromaKeyer.Key(frame.Picture, border).Alpha);
    }

    [Fact]
    public void An_ordinary_room_is_not_taken_for_a_screen_and_grabcut_from_the_face_finds_the_person()
    {
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.Room, 0.2, seed: 5);
        Assert.False(ChromaKeyer.TryDetectScreen(frame.Picture, out _));

        var matte = GrabCutSegmenter.Segment(frame.Picture, frame.Face);

        Assert.Equal("grabcut", matte.Method);
        double iou = matte.IntersectionOverUnion(frame.Mask);
        Assert.True(iou >= 0.95, $"IoU {iou:F3} against the known mask");
        AssertSoftEdge(matte, frame.Mask);
    }

    [Fact]
    public void A_face_box_outside_the_picture_is_refused_with_its_numbers()
    {
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.Room);
        var ex = Assert.Throws<ArgumentException>(() => GrabCutSegmenter.Segment(frame.Picture, new(300, 10, 400, 90)));
        Assert.Contains("360x480", ex.Message);
    }

    /// <summary>
    /// What a viewer sees at the edge: the keyed picture laid with its matte over mid grey, and the mean of max(0, key channel -
    /// larger other channel) over the band 2 px either side of the known edge where the avatar shows (alpha >= 0.1).
    /// </summary>
    internal static double FringeOverGrey(Mat bgr, AlphaMatte matte, bool[] mask, ScreenColor color)
    {
        const double Grey = 128;
        double sum = 0;
        int count = 0;
        foreach (var (x, y) in EdgeBand(mask, bgr.Width, bgr.Height, 2))
        {
            var p = bgr.At<Vec3b>(y, x);
            double a = matte[x, y] / 255.0;
            if (a < 0.1)
            {
                continue; // cleared: grey, which has no tint to count
            }

            double b = (p.Item0 * a) + (Grey * (1 - a)), g = (p.Item1 * a) + (Grey * (1 - a)), r = (p.Item2 * a) + (Grey * (1 - a));
            sum += Math.Max(0, color == ScreenColor.Green ? g - Math.Max(r, b) : b - Math.Max(r, g));
            count++;
        }

        return sum / Math.Max(1, count);
    }

    /// <summary>Edges are soft, not cut out (a binary matte has none): some of the edge band is partly transparent, and the inside is opaque, the outside clear.</summary>
    private static void AssertSoftEdge(AlphaMatte matte, bool[] mask)
    {
        var band = EdgeBand(mask, matte.Width, matte.Height, 1).ToList();
        double partial = band.Count(p => matte[p.X, p.Y] is > 20 and < 235) / (double)band.Count;
        Assert.True(partial > 0.05, $"only {partial:P0} of the edge is partly transparent");
        var inside = Far(mask, matte.Width, matte.Height, 6, true).ToList();
        var outside = Far(mask, matte.Width, matte.Height, 6, false).ToList();
        Assert.True(inside.Average(p => matte[p.X, p.Y]) > 250, "the figure's inside is not opaque");
        Assert.True(outside.Average(p => matte[p.X, p.Y]) < 5, "the background is not clear");
    }

    private static IEnumerable<(int X, int Y)> EdgeBand(bool[] mask, int width, int height, int radius) =>
        Neighbourhood(mask, width, height, radius).Where(p => p.Mixed).Select(p => (p.X, p.Y));

    private static IEnumerable<(int X, int Y)> Far(bool[] mask, int width, int height, int radius, bool inside) =>
        Neighbourhood(mask, width, height, radius).Where(p => !p.Mixed && mask[(p.Y * width) + p.X] == inside).Select(p => (p.X, p.Y));

    private static IEnumerable<(int X, int Y, bool Mixed)> Neighbourhood(bool[] mask, int width, int height, int radius)
    {
        for (int y = radius; y < height - radius; y++)
        {
            for (int x = radius; x < width - radius; x++)
            {
                bool self = mask[(y * width) + x], mixed = false;
                for (int dy = -radius; dy <= radius && !mixed; dy++)
                {
                    for (int dx = -radius; dx <= radius && !mixed; dx++)
                    {
                        mixed = mask[((y + dy) * width) + x + dx] != self;
                    }
                }

                yield return (x, y, mixed);
            }
        }
    }
}
