using OpenCvSharp;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Matting;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>The GrabCut matte of the default avatar against <see cref="DefaultAvatarTruth"/>.</summary>
public sealed class DefaultAvatarMatteTests
{
    /// <summary>What the matte reaches (0.942 when measured), rounded down a little so noise in GrabCut's clustering does not fail it.</summary>
    private const double MinIoU = 0.93;

    [Fact]
    public void Grabcut_from_the_face_matches_the_hand_drawn_outline_with_IoU_at_least_0_93_and_clears_the_flag_and_the_shuttle()
    {
        using var picture = Cv2.ImRead(TestAssets.DefaultAvatar, ImreadModes.Color);
        var face = TestAssets.Faces.DetectLargestFace(picture);
        Assert.NotNull(face);
        using var matting = new AvatarMatting(TestAssets.NewTempDirectory(), MattingEngine.GrabCut);

        var matte = matting.GetMatte(picture, "default-avatar", face, CancellationToken.None);

        Assert.Equal("grabcut", matte.Method);
        double iou = matte.IntersectionOverUnion(DefaultAvatarTruth.PersonMask());
        double flag = MeanAlpha(matte, DefaultAvatarTruth.Flag), shuttle = MeanAlpha(matte, DefaultAvatarTruth.Shuttle);
        File.Copy(matting.CachePathFor("default-avatar"), Path.Combine(TestAssets.ArtifactsDirectory, "default-avatar-matte.png"), overwrite: true);
        Console.WriteLine($"face {face}; IoU {iou:F4}; mean alpha flag {flag:F2}, shuttle {shuttle:F2}");
        Assert.True(iou >= MinIoU, $"IoU {iou:F3} against the hand-drawn outline, below {MinIoU}");
        Assert.True(flag < 5, $"mean alpha over the flag {flag:F1} of 255");
        Assert.True(shuttle < 5, $"mean alpha over the shuttle {shuttle:F1} of 255");
    }

    private static double MeanAlpha(AlphaMatte matte, Rect[] areas)
    {
        long sum = 0, count = 0;
        foreach (var area in areas)
        {
            for (int y = area.Top; y < area.Bottom; y++)
            {
                for (int x = area.Left; x < area.Right; x++)
                {
                    sum += matte[x, y];
                    count++;
                }
            }
        }

        return sum / (double)count;
    }
}
