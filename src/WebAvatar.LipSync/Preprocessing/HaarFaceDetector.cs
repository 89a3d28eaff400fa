using OpenCvSharp;
using WebAvatar.LipSync.Faces;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Wav2Lip's face boxes from the shared Haar cascade. Haar boxes stop around the lower lip, while Wav2Lip was trained
/// on S3FD boxes that reach the chin, so the box is extended downwards by <see cref="ChinExtension"/> of its height.
/// </summary>
public sealed class HaarFaceDetector(string cascadePath = HaarFaceCascade.DefaultPath) : IFaceDetector
{
    public const string DefaultCascadePath = HaarFaceCascade.DefaultPath;
    private const double ChinExtension = 0.12;
    private const int DetectionMaxSide = 480;

    private readonly HaarFaceCascade _cascade = new(cascadePath);

    public string Name => "haar";

    public FaceBox? Detect(Mat bgrFrame)
    {
        if (_cascade.FindLargestFace(bgrFrame, DetectionMaxSide, minSizeDivisor: 8) is not { } face)
        {
            return null;
        }

        int y2 = (int)(face.Y + face.Height * (1 + ChinExtension));
        return new FaceBox(face.X, face.Y, Math.Min(face.X + face.Width, bgrFrame.Width), Math.Min(y2, bgrFrame.Height));
    }

    public void Dispose() => _cascade.Dispose();
}
