using OpenCvSharp;

namespace WebAvatar.LipSync.Faces;

/// <summary>
/// OpenCV's frontal-face Haar cascade from Debian's opencv-data: the one face finder behind the parametric avatar's
/// analysis, the Wav2Lip preprocessor and the admin's face preview. Not thread-safe (one caller at a time).
/// </summary>
public sealed class HaarFaceCascade : IDisposable
{
    public const string DefaultDirectory = "/usr/share/opencv4/haarcascades";
    public const string FaceFileName = "haarcascade_frontalface_default.xml";
    public const string DefaultPath = DefaultDirectory + "/" + FaceFileName;

    private readonly CascadeClassifier _cascade;

    /// <summary>Loads the cascade; throws <see cref="AvatarException"/> with the fix when the file is missing or unreadable.</summary>
    public HaarFaceCascade(string path = DefaultPath)
    {
        if (!File.Exists(path))
        {
            throw new AvatarException($"Haar cascade '{path}' is missing: install the Debian package opencv-data (scripts/setup.sh does).");
        }

        _cascade = new CascadeClassifier(path);
        if (_cascade.Empty())
        {
            _cascade.Dispose();
            throw new AvatarException($"Haar cascade '{path}' could not be loaded.");
        }
    }

    /// <summary>
    /// Face boxes in <paramref name="gray"/> (8-bit, ideally histogram-equalised), largest first; faces smaller than
    /// 1/<paramref name="minSizeDivisor"/> of the shorter side (and under 24 px) are ignored.
    /// </summary>
    public Rect[] DetectFaces(Mat gray, int minSizeDivisor = 10)
    {
        int minSide = Math.Max(24, Math.Min(gray.Width, gray.Height) / minSizeDivisor);
        var faces = _cascade.DetectMultiScale(gray, 1.1, 5, HaarDetectionTypes.ScaleImage, new Size(minSide, minSide));
        return faces.OrderByDescending(f => f.Width * f.Height).ToArray();
    }

    /// <summary>The largest face in a BGR image, searched on a grey copy at most <paramref name="maxSide"/> px wide or high.</summary>
    public Rect? FindLargestFace(Mat bgr, int maxSide = 480, int minSizeDivisor = 10)
    {
        double scale = Math.Min(1.0, (double)maxSide / Math.Max(bgr.Width, bgr.Height));
        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        if (scale < 1.0)
        {
            Cv2.Resize(gray, gray, new Size(), scale, scale, InterpolationFlags.Area);
        }

        Cv2.EqualizeHist(gray, gray);
        var faces = DetectFaces(gray, minSizeDivisor);
        if (faces.Length == 0)
        {
            return null;
        }

        var f = faces[0];
        return new Rect((int)(f.X / scale), (int)(f.Y / scale), (int)(f.Width / scale), (int)(f.Height / scale));
    }

    public void Dispose() => _cascade.Dispose();
}
