using OpenCvSharp;
using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests;

/// <summary>Writes artifacts/lipsync/contact-sheet.png for a person to look at: 12 speech frames, an idle frame and a blink.</summary>
public sealed class ContactSheetTests(AvatarFixture avatar) : IClassFixture<AvatarFixture>
{
    private const int Columns = 7;
    private const float TileScale = 1.6f;

    [Fact]
    public async Task WritesContactSheetOfSpeechAndIdleFrames()
    {
        var (clip, firstSpeech, endSpeech) = SpeechFixtures.SpokenClip("Hello there, how are you today?", 5, 5);
        using var renderer = await avatar.CreateRendererAsync();
        var frames = await SpeechRenderingTests.RenderAllAsync(renderer, clip, 0);

        var idleMotion = new IdleMotion(1);
        long blinkFrame = Enumerable.Range(200, 500).First(i => idleMotion.BlinkAt(i) >= 1f);
        using var idle = renderer.RenderIdle(blinkFrame - 10);
        using var blink = renderer.RenderIdle(blinkFrame);

        var g = avatar.Geometry;
        int side = (int)(g.Face.Width * 1.5f);
        var crop = new Rect((int)(g.Face.CenterX - side / 2f), (int)(g.Face.CenterY - side * 0.45f), side, side);
        int tile = (int)(side * TileScale);
        var picks = Enumerable.Range(0, 12).Select(k => firstSpeech + k * (endSpeech - firstSpeech - 1) / 11).ToList();
        using var sheet = new Mat(2 * tile, Columns * tile, MatType.CV_8UC3, Scalar.Black);
        try
        {
            for (int k = 0; k < 14; k++)
            {
                var (frame, label) = k < 12 ? (frames[picks[k]], $"speech {picks[k]}") : k == 12 ? (idle, "idle") : (blink, "blink");
                using var tileMat = Tile(frame, crop, tile);
                Cv2.PutText(tileMat, label, new Point(6, tile - 8), HersheyFonts.HersheySimplex, 0.5, Scalar.White, 1, LineTypes.AntiAlias);
                tileMat.CopyTo(new Mat(sheet, new Rect(k % Columns * tile, k / Columns * tile, tile, tile)));
            }

            var path = Path.Combine(TestAssets.ArtifactsDirectory, "contact-sheet.png");
            Assert.True(Cv2.ImWrite(path, sheet), $"could not write {path}");
            Assert.True(new FileInfo(path).Length > 10_000);

            // Close-ups (4x) of the widest-open speech frame, two more speech frames and the blink.
            var face = new Rect((int)g.Face.X, (int)g.Face.Y + (int)(g.Face.Height * 0.15f), (int)g.Face.Width, (int)g.Face.Width);
            int closeTile = face.Width * 4;
            var mouth = g.MouthRegion;
            int widest = Enumerable.Range(firstSpeech, endSpeech - firstSpeech).MaxBy(i => FrameMath.MeanAbsDiff(frames[i], idle, mouth));
            var closeFrames = new[] { frames[widest], frames[picks[3]], frames[picks[8]], blink };
            using var closeups = new Mat(closeTile, closeFrames.Length * closeTile, MatType.CV_8UC3, Scalar.Black);
            for (int k = 0; k < closeFrames.Length; k++)
            {
                using var tileMat = Tile(closeFrames[k], face, closeTile);
                tileMat.CopyTo(new Mat(closeups, new Rect(k * closeTile, 0, closeTile, closeTile)));
            }

            Assert.True(Cv2.ImWrite(Path.Combine(TestAssets.ArtifactsDirectory, "closeups.png"), closeups));
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }

        // The picked speech frames must not all be the same picture.
        Assert.True(picks.Distinct().Count() == 12);
    }

    private static Mat Tile(VideoFrame frame, Rect crop, int tile)
    {
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(frame.Buffer, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var full = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, handle.AddrOfPinnedObject(), frame.Stride);
            using var region = new Mat(full, crop);
            var scaled = new Mat();
            Cv2.Resize(region, scaled, new Size(tile, tile), 0, 0, InterpolationFlags.Cubic);
            return scaled;
        }
        finally
        {
            handle.Free();
        }
    }
}
