using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Separates a person from an ordinary background with no model to download: OpenCV's GrabCut, seeded from the detected face
/// (certainly the person), a body widening below it to the bottom edge (probably the person) and the top corners beside the
/// head (certainly background); the rest is left for GrabCut to decide. Runs on a picture of at most <see cref="WorkSize"/> px
/// and feathers the upscaled result so edges are soft rather than stair-stepped.
/// </summary>
public static class GrabCutSegmenter
{
    public const int WorkSize = 320;
    private const int Iterations = 5;
    private const double MaxHoleShare = 0.03;

    public static AlphaMatte Segment(Mat bgr, FaceBox face)
    {
        if (bgr.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException("Segmentation needs an 8-bit BGR picture.", nameof(bgr));
        }

        if (face.Width <= 0 || face.Height <= 0 || face.X2 > bgr.Width || face.Y2 > bgr.Height || face.X1 < 0 || face.Y1 < 0)
        {
            throw new ArgumentException($"The face box {face} is not inside the {bgr.Width}x{bgr.Height} picture.", nameof(face));
        }

        double scale = Math.Min(1, WorkSize / (double)Math.Max(bgr.Width, bgr.Height));
        using var small = new Mat();
        Cv2.Resize(bgr, small, new Size(Math.Max(1, (int)Math.Round(bgr.Width * scale)), Math.Max(1, (int)Math.Round(bgr.Height * scale))), 0, 0, InterpolationFlags.Area);
        using var mask = Seeds(small.Width, small.Height, Scale(face, scale));
        using var background = new Mat();
        using var foreground = new Mat();
        Cv2.GrabCut(small, mask, default, background, foreground, Iterations, GrabCutModes.InitWithMask);

        // Person = certain or probable foreground, kept to the region joined to the face (stray specks elsewhere go).
        using var person = new Mat();
        using var certain = new Mat();
        Cv2.Compare(mask, (int)GrabCutClasses.PR_FGD, person, CmpTypes.EQ);
        Cv2.Compare(mask, (int)GrabCutClasses.FGD, certain, CmpTypes.EQ);
        Cv2.BitwiseOr(person, certain, person);
        KeepComponentAt(person, Center(Scale(face, scale)));
        FillSmallHoles(person);

        using var full = new Mat();
        Cv2.Resize(person, full, new Size(bgr.Width, bgr.Height), 0, 0, InterpolationFlags.Linear);
        double sigma = Math.Max(1, 0.6 / scale); // about one work pixel: hides the upscaling steps, keeps the edge tight
        Cv2.GaussianBlur(full, full, new Size(0, 0), sigma);
        var alpha = new byte[bgr.Width * bgr.Height];
        System.Runtime.InteropServices.Marshal.Copy(full.Data, alpha, 0, alpha.Length);
        return new AlphaMatte(bgr.Width, bgr.Height, alpha, "grabcut");
    }

    private static Mat Seeds(int width, int height, FaceBox face)
    {
        var mask = new Mat(height, width, MatType.CV_8UC1, new Scalar((int)GrabCutClasses.PR_BGD));
        int fw = face.Width, fh = face.Height;
        int cx = (face.X1 + face.X2) / 2;

        // Probably the person: the head with room for hair, then a body widening from the neck to the shoulders and on down.
        var body = new[]
        {
            new Point(face.X1 - (fw / 4), face.Y1 - (fh / 3)), new Point(face.X2 + (fw / 4), face.Y1 - (fh / 3)),
            new Point(face.X2 + (fw / 4), face.Y2), new Point(cx + fw, face.Y2 + (fh / 2)), new Point(cx + (fw * 2), height - 1),
            new Point(cx - (fw * 2), height - 1), new Point(cx - fw, face.Y2 + (fh / 2)), new Point(face.X1 - (fw / 4), face.Y2),
        };
        Cv2.FillPoly(mask, [body], new Scalar((int)GrabCutClasses.PR_FGD));

        // Certainly the person: the inner face and the neck under it.
        Cv2.Rectangle(mask, new Rect(face.X1 + (fw / 5), face.Y1 + (fh / 5), fw * 3 / 5, fh * 3 / 5), new Scalar((int)GrabCutClasses.FGD), -1);
        Cv2.Rectangle(mask, new Rect(cx - (fw / 6), face.Y2, fw / 3, Math.Max(1, Math.Min(fh / 3, height - face.Y2))), new Scalar((int)GrabCutClasses.FGD), -1);

        // Certainly background: the upper corners, well beside and above the head.
        int top = Math.Max(0, face.Y1 - (fh / 2));
        int left = Math.Max(0, face.X1 - fw), right = Math.Min(width, face.X2 + fw);
        if (top > 0)
        {
            Cv2.Rectangle(mask, new Rect(0, 0, width, top), new Scalar((int)GrabCutClasses.BGD), -1);
        }

        int cornerBottom = Math.Min(height, face.Y2 + (fh / 2));
        left = Math.Max(0, Math.Min(left, cx - (fw * 8 / 5)));
        right = Math.Min(width, Math.Max(right, cx + (fw * 8 / 5)));
        if (left > 0)
        {
            Cv2.Rectangle(mask, new Rect(0, 0, left, cornerBottom), new Scalar((int)GrabCutClasses.BGD), -1);
        }

        if (right < width)
        {
            Cv2.Rectangle(mask, new Rect(right, 0, width - right, cornerBottom), new Scalar((int)GrabCutClasses.BGD), -1);
        }

        // The picture's side edges, where the body does not reach them, are background too: a backdrop that runs down the side
        // (a flag, a curtain) is otherwise taken for the person wherever its colours resemble the clothes.
        int edge = Math.Max(2, width / 100);
        foreach (var strip in new[] { new Rect(0, 0, edge, height), new Rect(width - edge, 0, edge, height) })
        {
            using var column = new Mat(mask, strip);
            using var undecided = new Mat();
            Cv2.Compare(column, (int)GrabCutClasses.PR_BGD, undecided, CmpTypes.EQ);
            column.SetTo(new Scalar((int)GrabCutClasses.BGD), undecided);
        }

        return mask;
    }

    private static void KeepComponentAt(Mat binary, Point seed)
    {
        using var labels = new Mat();
        Cv2.ConnectedComponents(binary, labels, PixelConnectivity.Connectivity8);
        int keep = labels.At<int>(seed.Y, seed.X);
        if (keep == 0)
        {
            return; // GrabCut gave the face up: leave its answer alone rather than erase everything
        }

        using var only = new Mat();
        Cv2.Compare(labels, keep, only, CmpTypes.EQ);
        only.CopyTo(binary);
    }

    /// <summary>
    /// Background islands inside the person (between a strap and the suit, a glint on a visor) become the person: GrabCut
    /// cuts them out when their colour matches the backdrop. Islands open to the bottom edge count, as the body runs off it;
    /// ones reaching the top or a side, or larger than <see cref="MaxHoleShare"/> of the picture, are real background.
    /// </summary>
    private static void FillSmallHoles(Mat person)
    {
        using var background = new Mat();
        Cv2.BitwiseNot(person, background);
        using var labels = new Mat();
        using var stats = new Mat();
        using var centroids = new Mat();
        int count = Cv2.ConnectedComponentsWithStats(background, labels, stats, centroids, PixelConnectivity.Connectivity4);
        double maxArea = MaxHoleShare * person.Width * person.Height;
        for (int label = 1; label < count; label++)
        {
            int left = stats.At<int>(label, (int)ConnectedComponentsTypes.Left), top = stats.At<int>(label, (int)ConnectedComponentsTypes.Top);
            int right = left + stats.At<int>(label, (int)ConnectedComponentsTypes.Width);
            if (top > 0 && left > 0 && right < person.Width && stats.At<int>(label, (int)ConnectedComponentsTypes.Area) <= maxArea)
            {
                using var hole = new Mat();
                Cv2.Compare(labels, label, hole, CmpTypes.EQ);
                person.SetTo(Scalar.All(255), hole);
            }
        }
    }

    private static FaceBox Scale(FaceBox face, double scale) =>
        new((int)(face.X1 * scale), (int)(face.Y1 * scale), Math.Max((int)(face.X1 * scale) + 1, (int)(face.X2 * scale)), Math.Max((int)(face.Y1 * scale) + 1, (int)(face.Y2 * scale)));

    private static Point Center(FaceBox face) => new((face.X1 + face.X2) / 2, (face.Y1 + face.Y2) / 2);
}
