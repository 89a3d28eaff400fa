using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// OpenCV's frontal-face Haar cascade (Debian opencv-data). Its boxes stop around the lower lip, while Wav2Lip was
/// trained on S3FD boxes that reach the chin, so the box is extended downwards by <see cref="ChinExtension"/> of its height.
/// </summary>
public sealed class HaarFaceDetector : IFaceDetector
{
    public const string DefaultCascadePath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
    private const double ChinExtension = 0.12;
    private const int DetectionMaxSide = 480;

    private readonly CascadeClassifier _cascade;

    public HaarFaceDetector(string cascadePath = DefaultCascadePath)
    {
        if (!File.Exists(cascadePath))
        {
            throw new AvatarException($"Haar cascade '{cascadePath}' is missing: install the Debian package opencv-data (scripts/setup.sh does).");
        }

        _cascade = new CascadeClassifier(cascadePath);
        if (_cascade.Empty())
        {
            throw new AvatarException($"Haar cascade '{cascadePath}' could not be loaded.");
        }
    }

    public string Name => "haar";

    public FaceBox? Detect(Mat bgrFrame)
    {
        double scale = Math.Min(1.0, (double)DetectionMaxSide / Math.Max(bgrFrame.Width, bgrFrame.Height));
        using var gray = new Mat();
        Cv2.CvtColor(bgrFrame, gray, ColorConversionCodes.BGR2GRAY);
        if (scale < 1.0)
        {
            Cv2.Resize(gray, gray, new Size(), scale, scale, InterpolationFlags.Area);
        }

        Cv2.EqualizeHist(gray, gray);
        int minSide = Math.Max(24, Math.Min(gray.Width, gray.Height) / 8);
        var faces = _cascade.DetectMultiScale(gray, 1.1, 5, HaarDetectionTypes.ScaleImage, new Size(minSide, minSide));
        if (faces.Length == 0)
        {
            return null;
        }

        var face = faces.MaxBy(f => f.Width * f.Height);
        int x1 = (int)(face.X / scale), y1 = (int)(face.Y / scale);
        int x2 = (int)((face.X + face.Width) / scale), y2 = (int)((face.Y + face.Height * (1 + ChinExtension)) / scale);
        return new FaceBox(x1, y1, Math.Min(x2, bgrFrame.Width), Math.Min(y2, bgrFrame.Height));
    }

    public void Dispose() => _cascade.Dispose();
}
