using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>Finds the main face of a BGR frame. Not thread-safe: one instance per preprocessing run.</summary>
public interface IFaceDetector : IDisposable
{
    string Name { get; }

    /// <summary>The largest face in <paramref name="bgrFrame"/>, or null when there is none.</summary>
    FaceBox? Detect(Mat bgrFrame);
}
