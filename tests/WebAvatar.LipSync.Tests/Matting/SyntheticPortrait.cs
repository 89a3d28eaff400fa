using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>
/// A person-shaped figure (hair, face, neck, shoulders in a textured shirt) with a known mask, drawn at 4x and averaged down so
/// its edges mix with the background the way a camera's do, in front of a lit, noisy green or blue screen (with the screen's
/// colour spilling onto the figure's rim) or a cluttered room. <paramref name="sway"/> moves the head, as frames of a video.
/// </summary>
internal sealed class SyntheticPortrait : IDisposable
{
    private const int Supersample = 4;

    private SyntheticPortrait(Mat picture, bool[] mask, FaceBox face)
    {
        Picture = picture;
        Mask = mask;
        Face = face;
    }

    public Mat Picture { get; }

    public bool[] Mask { get; }

    public FaceBox Face { get; }

    public enum Backdrop
    {
        GreenScreen,
        BlueScreen,
        Room,
    }

    public static SyntheticPortrait Draw(int width, int height, Backdrop backdrop, double sway = 0, int seed = 1)
    {
        int w = width * Supersample, h = height * Supersample;
        using var shape = new Mat(h, w, MatType.CV_8UC1, Scalar.All(0));
        using var colour = new Mat(h, w, MatType.CV_8UC3, Scalar.All(0));
        int cx = (int)((w / 2) + (sway * w / 10)), headY = h * 36 / 100;
        int headRx = w * 11 / 100, headRy = h * 15 / 100;

        // Shoulders and torso, then the neck, then hair behind a face: each drawn in both the colour picture and the mask.
        var torso = new[] { new Point((w / 2) - (w * 9 / 100), h * 62 / 100), new Point((w / 2) + (w * 9 / 100), h * 62 / 100), new Point((w / 2) + (w * 38 / 100), h * 78 / 100), new Point((w / 2) + (w * 42 / 100), h), new Point((w / 2) - (w * 42 / 100), h), new Point((w / 2) - (w * 38 / 100), h * 78 / 100) };
        Fill(colour, shape, torso, new Scalar(175, 172, 168)); // a light grey shirt: spill shows on it as it does on real ones
        var neck = new[] { new Point(cx - (w * 5 / 100), headY + (headRy * 7 / 10)), new Point(cx + (w * 5 / 100), headY + (headRy * 7 / 10)), new Point((w / 2) + (w * 6 / 100), h * 64 / 100), new Point((w / 2) - (w * 6 / 100), h * 64 / 100) };
        Fill(colour, shape, neck, new Scalar(120, 150, 200));
        Cv2.Ellipse(colour, new Point(cx, headY - (headRy / 6)), new Size(headRx * 11 / 10, headRy * 11 / 10), 0, 0, 360, new Scalar(40, 50, 70), -1);
        Cv2.Ellipse(shape, new Point(cx, headY - (headRy / 6)), new Size(headRx * 11 / 10, headRy * 11 / 10), 0, 0, 360, Scalar.All(255), -1);
        Cv2.Ellipse(colour, new Point(cx, headY), new Size(headRx, headRy), 0, 0, 360, new Scalar(130, 160, 215), -1);
        Cv2.Ellipse(shape, new Point(cx, headY), new Size(headRx, headRy), 0, 0, 360, Scalar.All(255), -1);

        using var smallShape = new Mat();
        using var smallColour = new Mat();
        Cv2.Resize(shape, smallShape, new Size(width, height), 0, 0, InterpolationFlags.Area);
        Cv2.Resize(colour, smallColour, new Size(width, height), 0, 0, InterpolationFlags.Area);

        var random = new Random(seed);
        var picture = new Mat(height, width, MatType.CV_8UC3);
        var mask = new bool[width * height];
        using var distance = DistanceInside(smallShape);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double a = smallShape.At<byte>(y, x) / 255.0;
                mask[(y * width) + x] = a >= 0.5;
                var back = Background(backdrop, x, y, width, height, random);
                var front = smallColour.At<Vec3b>(y, x);
                double[] person = [a > 0 ? front.Item0 / a : 0, a > 0 ? front.Item1 / a : 0, a > 0 ? front.Item2 / a : 0];
                Texture(person, random);
                if (backdrop != Backdrop.Room)
                {
                    // The screen lights the figure's rim: spill fading over ~6 px inside the edge.
                    double rim = Math.Max(0, 1 - (distance.At<float>(y, x) / 6.0)) * 0.4;
                    int key = backdrop == Backdrop.GreenScreen ? 1 : 0;
                    person[key] += (back[key] - person[key]) * rim;
                }

                picture.Set(y, x, new Vec3b(Mix(back[0], person[0], a), Mix(back[1], person[1], a), Mix(back[2], person[2], a)));
            }
        }

        int faceX = cx / Supersample, faceY = headY / Supersample, rx = headRx / Supersample, ry = headRy / Supersample;
        return new SyntheticPortrait(picture, mask, new FaceBox(faceX - (rx * 8 / 10), faceY - (ry * 7 / 10), faceX + (rx * 8 / 10), faceY + (ry * 8 / 10)));
    }

    public void Dispose() => Picture.Dispose();

    private static void Fill(Mat colour, Mat shape, Point[] polygon, Scalar bgr)
    {
        Cv2.FillPoly(colour, [polygon], bgr);
        Cv2.FillPoly(shape, [polygon], Scalar.All(255));
    }

    private static Mat DistanceInside(Mat alpha)
    {
        using var inside = new Mat();
        Cv2.Threshold(alpha, inside, 127, 255, ThresholdTypes.Binary);
        var distance = new Mat();
        Cv2.DistanceTransform(inside, distance, DistanceTypes.L2, DistanceTransformMasks.Mask5);
        return distance;
    }

    private static double[] Background(Backdrop backdrop, int x, int y, int width, int height, Random random)
    {
        double light = 0.8 + (0.3 * (1 - (Math.Abs(x - (width / 2.0)) / width)) * (1 - (y / (double)height))); // a softbox above
        double noise() => random.NextDouble() * 16 - 8;
        return backdrop switch
        {
            Backdrop.GreenScreen => [(40 * light) + noise(), (175 * light) + noise(), (60 * light) + noise()],
            Backdrop.BlueScreen => [(190 * light) + noise(), (80 * light) + noise(), (30 * light) + noise()],
            _ => Room(x, y, width, height, noise),
        };
    }

    private static double[] Room(int x, int y, int width, int height, Func<double> noise)
    {
        // A wall, a window, a shelf and a plant: colours a person's clothes and skin do not all avoid.
        if (x > width * 0.62 && x < width * 0.92 && y > height * 0.08 && y < height * 0.45)
        {
            return [230 + noise(), 215 + noise(), 190 + noise()];
        }

        if (x < width * 0.25 && y > height * 0.3 && y < height * 0.34)
        {
            return [40 + noise(), 70 + noise(), 110 + noise()];
        }

        if (x < width * 0.18 && y > height * 0.5)
        {
            return [50 + noise(), 120 + noise(), 60 + noise()];
        }

        return [150 + (40.0 * y / height) + noise(), 165 + noise(), 175 - (30.0 * x / width) + noise()];
    }

    private static void Texture(double[] bgr, Random random)
    {
        double n = (random.NextDouble() * 12) - 6;
        bgr[0] += n;
        bgr[1] += n;
        bgr[2] += n;
    }

    private static byte Mix(double back, double front, double a) => (byte)Math.Clamp(Math.Round((back * (1 - a)) + (front * a)), 0, 255);
}
