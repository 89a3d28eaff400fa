using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Matting;

/// <summary>Chroma key for screen footage, GrabCut for everything else.</summary>
public sealed class AvatarMatting : IAvatarMatting
{
    public AlphaMatte GetMatte(Mat bgr, string sha256, FaceBox? face, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        cancellationToken.ThrowIfCancellationRequested();
        if (ChromaKeyer.TryDetectScreen(bgr, out var screen))
        {
            using var copy = bgr.Clone();
            return ChromaKeyer.Key(copy, screen, despill: false);
        }

        if (face is not { } box)
        {
            throw new AvatarException("No face was found to tell the person from the background, so the background cannot be removed.");
        }

        return GrabCutSegmenter.Segment(bgr, box);
    }
}
