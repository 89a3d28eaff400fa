using OpenCvSharp;
using WebAvatar.LipSync.Matting;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>Mattes are computed once per picture and kept in the avatar cache, as face analyses are.</summary>
public sealed class MatteCacheTests
{
    private const int Width = 180, Height = 240;

    [Fact]
    public void The_second_call_reads_the_cached_matte_with_identical_bytes_and_method()
    {
        var cache = TestAssets.NewTempDirectory();
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.Room, seed: 9);
        using var first = new AvatarMatting(cache);

        var computed = first.GetMatte(frame.Picture, "abc123", frame.Face, CancellationToken.None);
        Assert.Equal(1, first.ComputeCount);
        Assert.True(File.Exists(Path.Combine(cache, "abc123", "matte.png")));
        Assert.Contains("\"grabcut\"", File.ReadAllText(Path.Combine(cache, "abc123", "matte.json")));

        using var second = new AvatarMatting(cache); // a new process: only the files carry over
        var reused = second.GetMatte(frame.Picture, "abc123", frame.Face, CancellationToken.None);

        Assert.Equal(0, second.ComputeCount);
        Assert.Equal("grabcut", reused.Method);
        Assert.Equal(computed.Alpha, reused.Alpha);
    }

    [Fact]
    public void A_chroma_keyed_matte_keeps_its_screen_colour_through_the_cache()
    {
        var cache = TestAssets.NewTempDirectory();
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.BlueScreen);
        using (var first = new AvatarMatting(cache))
        {
            first.GetMatte(frame.Picture, "blue", null, CancellationToken.None);
        }

        using var second = new AvatarMatting(cache);
        var reused = second.GetMatte(frame.Picture, "blue", null, CancellationToken.None);
        Assert.Equal((0, "chroma-key (blue)", ScreenColor.Blue), (second.ComputeCount, reused.Method, reused.Screen));
    }

    [Fact]
    public void An_entry_made_by_another_segmenter_a_damaged_png_or_another_size_is_recomputed()
    {
        var cache = TestAssets.NewTempDirectory();
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.Room);
        using (var grabCut = new AvatarMatting(cache))
        {
            grabCut.GetMatte(frame.Picture, "k", frame.Face, CancellationToken.None);
        }

        using (var onnx = new AvatarMatting(cache, MattingEngine.Onnx, OnnxMattingTests.Model.Value))
        {
            Assert.Equal(OnnxMattingModel.Method, onnx.GetMatte(frame.Picture, "k", frame.Face, CancellationToken.None).Method);
            Assert.Equal(1, onnx.ComputeCount);
        }

        File.WriteAllBytes(Path.Combine(cache, "k", "matte.png"), [1, 2, 3]);
        using var again = new AvatarMatting(cache, MattingEngine.Onnx, OnnxMattingTests.Model.Value);
        again.GetMatte(frame.Picture, "k", frame.Face, CancellationToken.None);
        using var smaller = new Mat(frame.Picture, new Rect(0, 0, Width / 2, Height / 2)).Clone();
        again.GetMatte(smaller, "k", null, CancellationToken.None);
        Assert.Equal(2, again.ComputeCount);
    }

    [Fact]
    public void A_cache_that_cannot_be_written_still_returns_the_matte()
    {
        var blocked = Path.Combine(TestAssets.NewTempDirectory(), "file-not-folder");
        File.WriteAllText(blocked, "a file where the cache folder should be");
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.Room);
        using var matting = new AvatarMatting(blocked);

        var matte = matting.GetMatte(frame.Picture, "x", frame.Face, CancellationToken.None);

        Assert.Equal("grabcut", matte.Method);
        double iou = matte.IntersectionOverUnion(frame.Mask);
        Assert.True(iou >= 0.85, $"IoU {iou:F3}");
        Assert.False(Directory.Exists(blocked));
    }

    [Fact]
    public void Without_a_face_or_a_screen_grabcut_cannot_start_and_says_why()
    {
        using var frame = SyntheticPortrait.Draw(Width, Height, SyntheticPortrait.Backdrop.Room);
        using var matting = new AvatarMatting(TestAssets.NewTempDirectory());
        var error = Assert.Throws<AvatarException>(() => matting.GetMatte(frame.Picture, "y", null, CancellationToken.None));
        Assert.Contains("No face", error.Message);
    }
}
