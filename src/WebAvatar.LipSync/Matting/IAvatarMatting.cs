using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Makes the alpha matte of an avatar picture: chroma-keyed when it was filmed on a green or blue screen, otherwise segmented
/// (a matting model when one is installed, else GrabCut seeded from the face). Thread-safe; blocks for the computation
/// (GrabCut: about a second) unless a matte of the same picture is at hand.
/// </summary>
public interface IAvatarMatting
{
    /// <summary>
    /// The matte of <paramref name="bgr"/> (continuous 8-bit BGR; not modified), which is identified by <paramref name="sha256"/> for
    /// reuse. <paramref name="face"/> seeds segmentation; without it an ordinary background cannot be removed and
    /// <see cref="AvatarException"/> says so.
    /// </summary>
    AlphaMatte GetMatte(Mat bgr, string sha256, FaceBox? face, CancellationToken cancellationToken);
}
