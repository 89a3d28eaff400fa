using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Faces;

/// <summary>
/// OpenCV's frontal-face Haar cascade from Debian's opencv-data. The cascade is loaded once, on first use (the app
/// starts without opencv-data; only detection then fails), and detections are serialised: a CascadeClassifier is not
/// safe to share between threads.
/// </summary>
public sealed class HaarFaceDetector(string cascadeDirectory = HaarFaceDetector.DefaultDirectory) : IFaceDetector, IDisposable
{
    public const string DefaultDirectory = "/usr/share/opencv4/haarcascades";
    public const string FaceFileName = "haarcascade_frontalface_default.xml";

    /// <summary>Frames are searched on a grey copy at most this wide or high: faces stay well over the cascade's 24 px, at a fraction of the cost.</summary>
    private const int DetectionMaxSide = 480;

    /// <summary>Faces narrower than 1/8 of the searched image's shorter side are ignored (background faces, false positives).</summary>
    private const int MinSizeDivisor = 8;

    private readonly string _path = Path.Combine(cascadeDirectory, FaceFileName);
    private readonly Lock _gate = new();
    private CascadeClassifier? _cascade;

    public string Name => "haar";

    public bool IsAvailable => File.Exists(_path);

    /// <summary>Haar boxes stop around the lower lip.</summary>
    public double ChinBelowBox => 0.12;

    public IReadOnlyList<FaceBox> DetectFaces(Mat bgrFrame)
    {
        double scale = Math.Min(1.0, (double)DetectionMaxSide / Math.Max(bgrFrame.Width, bgrFrame.Height));
        using var gray = new Mat();
        Cv2.CvtColor(bgrFrame, gray, ColorConversionCodes.BGR2GRAY);
        if (scale < 1.0)
        {
            Cv2.Resize(gray, gray, new Size(), scale, scale, InterpolationFlags.Area);
        }

        Cv2.EqualizeHist(gray, gray);
        int minSide = Math.Max(24, Math.Min(gray.Width, gray.Height) / MinSizeDivisor);
        Rect[] found;
        lock (_gate)
        {
            _cascade ??= Load();
            found = _cascade.DetectMultiScale(gray, 1.1, 5, HaarDetectionTypes.ScaleImage, new Size(minSide, minSide));
        }

        return found
            .Select(f => new FaceBox(
                (int)(f.X / scale),
                (int)(f.Y / scale),
                Math.Min(bgrFrame.Width, (int)(f.X / scale) + (int)(f.Width / scale)),
                Math.Min(bgrFrame.Height, (int)(f.Y / scale) + (int)(f.Height / scale))))
            .OrderByDescending(f => f.Area)
            .ToArray();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _cascade?.Dispose();
            _cascade = null;
        }
    }

    private CascadeClassifier Load()
    {
        if (!File.Exists(_path))
        {
            throw new AvatarException($"Haar cascade '{_path}' is missing: install the Debian package opencv-data (scripts/setup.sh does).");
        }

        var cascade = new CascadeClassifier(_path);
        if (cascade.Empty())
        {
            cascade.Dispose();
            throw new AvatarException($"Haar cascade '{_path}' could not be loaded.");
        }

        return cascade;
    }
}
