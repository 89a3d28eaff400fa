using OpenCvSharp;
using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests;

/// <summary>
/// A listening session replays one recorded idle loop over and over, so the step from the loop's last frame to its first
/// is seen every loop. On the real renderer and avatar the frame after the loop must be the loop's first frame again, and
/// the step into it (the face's mean change) no larger than twice the steps beside it. Writes
/// artifacts/lipsync/idle-seam.png (the frames around the wrap) for a person to look at.
/// </summary>
public sealed class IdleLoopSeamTests(AvatarFixture avatar) : IClassFixture<AvatarFixture>
{
    [Fact]
    public async Task The_idle_loop_wraps_onto_its_first_frame_as_smoothly_as_any_other_step()
    {
        using var renderer = await avatar.CreateRendererAsync();
        int loop = renderer.IdleLoopFrames;
        Assert.Equal(IdleMotion.DefaultLoopFrames, loop);
        var face = avatar.Geometry.Face;

        using var first = renderer.RenderIdle(0);
        var steps = new List<double>(loop);
        VideoFrame? twoBack = null;
        var previous = first.Clone();
        try
        {
            for (long i = 1; i < loop; i++)
            {
                var frame = renderer.RenderIdle(i);
                steps.Add(FrameMath.MeanAbsDiff(previous, frame, face));
                twoBack?.Dispose();
                (twoBack, previous) = (previous, frame);
            }

            using var wrapped = renderer.RenderIdle(loop);
            using var after = renderer.RenderIdle(loop + 1);
            Assert.Equal(0, FrameMath.MeanAbsDiff(first, wrapped, face));
            double seam = FrameMath.MeanAbsDiff(previous, wrapped, face);
            // The motion is smooth, so a step is about the size of the steps beside it; a wave that does not fit the loop
            // whole jumps at the wrap (a sway broken that way: 6.9 here, against neighbours of 0.5 and 0.3).
            double neighbours = Math.Max(steps[^1], steps[0]);
            double median = steps.Order().ElementAt(steps.Count / 2);
            Assert.True(seam <= 2 * neighbours, $"the wrap changes the face by {seam:F3} (mean per channel), the steps beside it by {steps[^1]:F3} and {steps[0]:F3}");
            WriteSeamPicture([twoBack!, previous, wrapped, after], [$"{loop - 2}", $"{loop - 1}", $"{loop} = 0", $"{loop + 1} = 1"], seam, median);
        }
        finally
        {
            twoBack?.Dispose();
            previous.Dispose();
        }
    }

    private void WriteSeamPicture(VideoFrame[] frames, string[] labels, double seam, double median)
    {
        var g = avatar.Geometry;
        int side = (int)(g.Face.Width * 1.6f);
        var crop = new Rect((int)(g.Face.CenterX - side / 2f), (int)(g.Face.CenterY - side * 0.45f), side, side);
        using var sheet = new Mat(side + 24, frames.Length * side, MatType.CV_8UC3, Scalar.Black);
        for (int k = 0; k < frames.Length; k++)
        {
            using var full = Mat.FromPixelData(frames[k].Height, frames[k].Width, MatType.CV_8UC3, frames[k].Buffer, frames[k].Stride);
            using var region = new Mat(full, crop);
            region.CopyTo(new Mat(sheet, new Rect(k * side, 0, side, side)));
            Cv2.PutText(sheet, "frame " + labels[k], new Point(k * side + 6, side + 17), HersheyFonts.HersheySimplex, 0.45, Scalar.White, 1, LineTypes.AntiAlias);
        }

        Cv2.PutText(sheet, $"wrap step {seam:F2}, median step {median:F2}", new Point(6, 16), HersheyFonts.HersheySimplex, 0.45, Scalar.Yellow, 1, LineTypes.AntiAlias);
        var path = Path.Combine(TestAssets.ArtifactsDirectory, "idle-seam.png");
        Assert.True(Cv2.ImWrite(path, sheet), $"could not write {path}");
    }
}
