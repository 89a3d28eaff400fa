using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Faces;

/// <summary>
/// The app's one face finder (registered by <c>AddFaceDetection()</c>): the parametric engine's face analysis, the
/// Wav2Lip preprocessing and the admin's face preview all use the same instance. Thread-safe.
/// </summary>
public interface IFaceDetector
{
    /// <summary>"haar" or "yunet"; recorded with cached results so a change of detector rebuilds them.</summary>
    string Name { get; }

    /// <summary>False when the detector's data file is missing; <see cref="DetectFaces"/> then throws <see cref="AvatarException"/>.</summary>
    bool IsAvailable { get; }

    /// <summary>How far the chin lies below this detector's boxes, as a fraction of the box height.</summary>
    double ChinBelowBox { get; }

    /// <summary>The faces in a BGR frame, in frame pixels and inside the frame, largest first.</summary>
    IReadOnlyList<FaceBox> DetectFaces(Mat bgrFrame);
}

public static class FaceDetectorExtensions
{
    /// <summary>The largest face in <paramref name="bgrFrame"/>, or null when there is none.</summary>
    public static FaceBox? DetectLargestFace(this IFaceDetector detector, Mat bgrFrame) =>
        detector.DetectFaces(bgrFrame) is [var largest, ..] ? largest : null;
}
