using OpenCvSharp;
using WebAvatar.LipSync.Faces;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Finds face (the app's <see cref="IFaceDetector"/>), eyes (OpenCV's Haar eye cascade, Debian opencv-data, loaded
/// once) and mouth in a portrait, then places the lip line on the darkest row of the mouth area. Slow (tens of ms):
/// run once per avatar and cache. Thread-safe.
/// </summary>
internal sealed class FaceAnalyzer(IFaceDetector faces, string cascadeDirectory = HaarFaceDetector.DefaultDirectory)
{
    private const string EyeCascadeFile = "haarcascade_eye.xml";

    private readonly string _eyeCascadePath = Path.Combine(cascadeDirectory, EyeCascadeFile);
    private readonly Lock _eyeGate = new();
    private CascadeClassifier? _eyeCascade;
    private int _detections;

    /// <summary>How many times detection actually ran (tests check that a cached avatar skips it).</summary>
    public int DetectionCount => Volatile.Read(ref _detections);

    public string DetectorName => faces.Name;

    public bool CascadesPresent => faces.IsAvailable && File.Exists(_eyeCascadePath);

    public FaceGeometry Analyze(Mat bgr, string sourceName)
    {
        if (!CascadesPresent)
        {
            throw new AvatarException(
                $"The {faces.Name} face detector or the eye cascade {_eyeCascadePath} is missing: install the Debian package opencv-data (scripts/setup.sh does).");
        }

        Interlocked.Increment(ref _detections);
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        Cv2.EqualizeHist(gray, gray);

        var candidates = faces.DetectFaces(bgr).Select(f => new Rect(f.X1, f.Y1, f.Width, f.Height)).ToArray();
        if (candidates.Length == 0)
        {
            throw new AvatarException(
                $"No face found in {sourceName}: use a frontal portrait with the face clearly visible, evenly lit, " +
                "at least about 80 px wide and not covered (no sunglasses or masks).");
        }

        // Detector false positives (badges, helmets) can outsize the real face; a box where both eyes are found wins.
        foreach (var face in candidates)
        {
            var (leftEye, rightEye, eyesDetected) = DetectEyes(gray, face);
            if (eyesDetected)
            {
                return PlaceMouth(bgr, gray, face, leftEye, rightEye, eyesDetected: true);
            }
        }

        var largest = candidates[0];
        var (left, right, _) = DetectEyes(gray, largest);
        return PlaceMouth(bgr, gray, largest, left, right, eyesDetected: false);
    }

    private (Point2 Left, Point2 Right, bool Detected) DetectEyes(Mat gray, Rect face)
    {
        // Eyes sit in the upper half of a Haar face box; searching only there avoids nostrils and mouth corners.
        var upper = new Rect(face.X, face.Y + face.Height / 6, face.Width, face.Height * 2 / 5);
        using var roi = new Mat(gray, upper);
        int minEye = Math.Max(8, face.Width / 10);
        Rect[] eyes;
        lock (_eyeGate)
        {
            _eyeCascade ??= new CascadeClassifier(_eyeCascadePath);
            eyes = _eyeCascade.DetectMultiScale(roi, 1.05, 4, HaarDetectionTypes.ScaleImage, new Size(minEye, minEye), new Size(face.Width / 2, face.Width / 2));
        }

        float midX = face.Width / 2f;
        var left = eyes.Where(e => e.X + e.Width / 2f < midX).OrderByDescending(e => e.Width).FirstOrDefault();
        var right = eyes.Where(e => e.X + e.Width / 2f >= midX).OrderByDescending(e => e.Width).FirstOrDefault();
        if (left.Width > 0 && right.Width > 0)
        {
            var l = new Point2(upper.X + left.X + left.Width / 2f, upper.Y + left.Y + left.Height / 2f);
            var r = new Point2(upper.X + right.X + right.Width / 2f, upper.Y + right.Y + right.Height / 2f);
            float distance = r.X - l.X;
            if (distance > face.Width * 0.25f && distance < face.Width * 0.7f && Math.Abs(r.Y - l.Y) < distance * 0.3f)
            {
                return (l, r, true);
            }
        }

        // Typical proportions of a frontal face box.
        return (new Point2(face.X + face.Width * 0.31f, face.Y + face.Height * 0.39f),
                new Point2(face.X + face.Width * 0.69f, face.Y + face.Height * 0.39f), false);
    }

    private static FaceGeometry PlaceMouth(Mat bgr, Mat gray, Rect face, Point2 leftEye, Point2 rightEye, bool eyesDetected)
    {
        float eyeDistance = rightEye.X - leftEye.X;
        float eyeMidX = (leftEye.X + rightEye.X) / 2;
        float eyeMidY = (leftEye.Y + rightEye.Y) / 2;

        // Adult proportions in units of the inter-eye distance; the lip line is then refined on the image.
        float centerX = eyeMidX * 0.7f + (face.X + face.Width / 2f) * 0.3f;
        float guessY = eyeMidY + eyeDistance * 1.05f;
        float halfWidth = eyeDistance * 0.47f;
        var lips = LipLineFinder.Find(bgr, gray, centerX, guessY, halfWidth, eyeDistance * 0.22f);
        float noseY = Math.Min(eyeMidY + eyeDistance * 0.68f, lips.CenterY - eyeDistance * 0.2f);
        float chinY = Math.Min(bgr.Height - 1f, lips.CenterY + eyeDistance * 0.78f);

        return new FaceGeometry(
            bgr.Width,
            bgr.Height,
            new Box(face.X, face.Y, face.Width, face.Height),
            leftEye,
            rightEye,
            EyeRadius: eyeDistance * 0.24f,
            eyesDetected,
            centerX,
            lips.CenterY,
            lips.SmileLift,
            halfWidth,
            lips.TeethVisible,
            noseY,
            chinY);
    }
}
