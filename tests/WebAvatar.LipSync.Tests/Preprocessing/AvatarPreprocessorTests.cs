using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Preprocessing;
using WebAvatar.LipSync.Tests.Wav2Lip;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests.Preprocessing;

public class AvatarPreprocessorTests
{
    private static AvatarPreprocessor NewPreprocessor(string cacheFolder, int chunkFrames = 10) =>
        new(Options.Create(new AvatarPreprocessingOptions { CacheDirectory = cacheFolder, ChunkFrames = chunkFrames }), TestAssets.Faces, new FfmpegRunner(), NullLogger<AvatarPreprocessor>.Instance);

    [Fact]
    public async Task Finds_a_face_on_every_frame_of_a_panning_video_and_the_boxes_follow_it()
    {
        var preprocessor = NewPreprocessor(Wav2LipTestAssets.NewTempFolder());
        var progress = new List<double>();
        var avatar = await preprocessor.LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, new SyncProgress(progress.Add), CancellationToken.None);

        Assert.Equal(40, avatar.FrameCount);
        Assert.Equal((320, 320), (avatar.Width, avatar.Height));
        Assert.Equal(0, avatar.Manifest.FramesWithoutFace);
        Assert.Equal(40, preprocessor.FramesDetected);
        Assert.All(avatar.Boxes, b => Assert.True(b.Width > 30 && b.Height > 30 && b.X2 <= 320 && b.Y2 <= 320, b.ToString()));
        Assert.True(avatar.Boxes[^1].Width > avatar.Boxes[0].Width, "zooming in grows the box");
        Assert.NotEqual(avatar.Boxes[0].X1, avatar.Boxes[^1].X1);
        Assert.Equal(1.0, progress[^1]);
        Assert.True(progress.Count >= 4 && progress.SequenceEqual(progress.Order()), string.Join(", ", progress));
        Assert.True(File.Exists(Path.Combine(avatar.Folder, AvatarManifest.FileName)));
    }

    [Fact]
    public async Task Second_load_reuses_the_cache_without_detection()
    {
        var cache = Wav2LipTestAssets.NewTempFolder();
        var first = NewPreprocessor(cache);
        var built = await first.LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);

        var second = NewPreprocessor(cache);
        var loaded = await second.LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);

        Assert.Equal(0, second.FramesDetected);
        Assert.Equal(40, first.CropsWritten);
        Assert.Equal(0, second.CropsWritten);
        Assert.Equal(built.Boxes, loaded.Boxes);
        Assert.Equal(built.Masks[(built.Boxes[5].Width, built.Boxes[5].Height)], loaded.Masks[(built.Boxes[5].Width, built.Boxes[5].Height)]);
        Assert.Equal(built.Folder, loaded.Folder);
        Assert.True(Pixels(built, 17).SequenceEqual(Pixels(loaded, 17)));
    }

    [Fact]
    public async Task The_cache_stores_a_face_crop_for_every_frame_and_a_blend_mask_for_every_box_size()
    {
        var avatar = await NewPreprocessor(Wav2LipTestAssets.NewTempFolder()).LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);

        Assert.Equal(AvatarManifest.CurrentVersion, avatar.Manifest.Version);
        Assert.Equal(avatar.FrameCount, avatar.Manifest.Crops.Length);
        Assert.All(avatar.Manifest.Crops, crop => Assert.True(File.Exists(Path.Combine(avatar.Folder, crop)), crop));
        var sizes = avatar.Boxes.Select(b => (b.Width, b.Height)).Distinct().ToArray();
        Assert.Equal(sizes.Order(), avatar.Manifest.Masks.Select(m => (m.Width, m.Height)).Order());
        Assert.All(avatar.Manifest.Masks, mask => Assert.True(File.Exists(Path.Combine(avatar.Folder, mask.File)), mask.File));

        var box = avatar.Boxes[0];
        var mask = avatar.Masks[(box.Width, box.Height)];
        Assert.Equal(box.Width * box.Height, mask.Length);
        Assert.Equal(0, mask[0]); // top-left corner: original pixels
        Assert.Equal(0, mask[(box.Height / 4) * box.Width + box.Width / 2]); // above the mouth line
        Assert.True(mask[(box.Height * 3 / 4) * box.Width + box.Width / 2] > 240); // mouth centre: generated

        var crops = avatar.LoadCrops(96, CancellationToken.None);
        Assert.Equal(avatar.FrameCount, crops.Length);
        Assert.All(crops, crop => Assert.Equal(96 * 96 * 3, crop.Length));
        var frame = Pixels(avatar, 0);
        int centre = ((box.Y1 + box.Height / 2) * avatar.Width + box.X1 + box.Width / 2) * 3;
        int cropCentre = (48 * 96 + 48) * 3;
        Assert.InRange(Math.Abs(crops[0][cropCentre + 1] - frame[centre + 1]), 0, 40); // the crop shows the box's content
    }

    [Fact]
    public async Task Over_the_memory_budget_frames_stay_compressed_and_decode_to_the_same_pixels()
    {
        var cache = Wav2LipTestAssets.NewTempFolder();
        var decoded = await NewPreprocessor(cache).LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);
        var compressed = await new AvatarPreprocessor(
                Options.Create(new AvatarPreprocessingOptions { CacheDirectory = cache, ChunkFrames = 10, MaxDecodedMegabytes = 0 }), TestAssets.Faces, new FfmpegRunner(), NullLogger<AvatarPreprocessor>.Instance)
            .LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);

        Assert.True(decoded.FramesDecoded);
        Assert.False(compressed.FramesDecoded);
        Assert.True(Pixels(decoded, 33).SequenceEqual(Pixels(compressed, 33)));
    }

    private static byte[] Pixels(PreprocessedAvatar avatar, int index)
    {
        var pixels = new byte[avatar.Width * avatar.Height * 3];
        avatar.CopyFrame(index, pixels);
        return pixels;
    }

    [Fact]
    public async Task A_damaged_cache_is_rebuilt()
    {
        var cache = Wav2LipTestAssets.NewTempFolder();
        var built = await NewPreprocessor(cache).LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);
        File.Delete(Path.Combine(built.Folder, "frames", "000007.jpg"));

        var again = NewPreprocessor(cache);
        var rebuilt = await again.LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);
        Assert.Equal(40, again.FramesDetected);
        Assert.Equal(built.Boxes, rebuilt.Boxes);
    }

    [Fact]
    public async Task A_cancelled_run_resumes_after_its_last_completed_chunk()
    {
        var cache = Wav2LipTestAssets.NewTempFolder();
        var interrupted = NewPreprocessor(cache);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p >= 0.5)
            {
                cts.Cancel(); // after the second chunk of 10 frames
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, progress, cts.Token));
        long firstRun = interrupted.FramesDetected;
        Assert.InRange(firstRun, 20, 21);

        var resumed = NewPreprocessor(cache);
        var avatar = await resumed.LoadOrPreprocessAsync(Wav2LipTestAssets.TalkingHeadVideo, null, CancellationToken.None);

        Assert.Equal(40, avatar.FrameCount);
        Assert.Equal(40 - 20, resumed.FramesDetected);
        Assert.Equal(0, avatar.Manifest.FramesWithoutFace);
    }

    [Fact]
    public async Task A_video_without_a_face_is_rejected_with_a_clear_message()
    {
        var cache = Wav2LipTestAssets.NewTempFolder();
        var preprocessor = NewPreprocessor(cache);
        var e = await Assert.ThrowsAsync<AvatarException>(() => preprocessor.LoadOrPreprocessAsync(Wav2LipTestAssets.VideoWithoutFace, null, CancellationToken.None));

        Assert.StartsWith("No face found in 8 of 8 frames of 'noface.mp4'", e.Message);
        Assert.Empty(Directory.GetDirectories(cache));
    }

    [Fact]
    public async Task A_still_image_becomes_a_one_frame_avatar()
    {
        var avatar = await NewPreprocessor(Wav2LipTestAssets.NewTempFolder()).LoadOrPreprocessAsync(Wav2LipTestAssets.DefaultAvatar, null, CancellationToken.None);
        Assert.Equal(1, avatar.FrameCount);
        Assert.Equal((512, 512), (avatar.Width, avatar.Height));
        Assert.Equal(0, avatar.FrameForSlot(12345));
    }

    [Fact]
    public async Task Missing_and_undecodable_files_give_avatar_exceptions()
    {
        var folder = Wav2LipTestAssets.NewTempFolder();
        var preprocessor = NewPreprocessor(folder);
        var missing = await Assert.ThrowsAsync<AvatarException>(() => preprocessor.LoadOrPreprocessAsync(Path.Combine(folder, "nope.mp4"), null, CancellationToken.None));
        Assert.Contains("was not found", missing.Message);

        var garbage = Path.Combine(folder, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, new byte[1000]);
        var broken = await Assert.ThrowsAsync<AvatarException>(() => preprocessor.LoadOrPreprocessAsync(garbage, null, CancellationToken.None));
        Assert.Contains("garbage.mp4", broken.Message);
    }

    [Theory]
    [InlineData(5, new[] { 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2 })]
    [InlineData(2, new[] { 0, 1, 0, 1, 0 })]
    [InlineData(1, new[] { 0, 0, 0 })]
    public void Playback_ping_pongs_without_a_jump(int frames, int[] expected) =>
        Assert.Equal(expected, Enumerable.Range(0, expected.Length).Select(slot => AvatarTimeline.BaseFrameFor(slot, frames)));

    [Theory]
    [InlineData(1, 100)] // a still: any 4 s loop
    [InlineData(26, 100)] // back and forth in 50 slots, twice
    [InlineData(60, 118)] // one back-and-forth period is over 4 s
    [InlineData(751, 1500)] // one minute
    [InlineData(752, 0)] // over a minute: not replayed
    public void The_idle_loop_is_whole_ping_pong_periods_of_at_least_4_seconds(int frames, int expected)
    {
        int loop = AvatarTimeline.ReplayLoopFrames(frames);
        Assert.Equal(expected, loop);
        if (loop > 0)
        {
            Assert.All(Enumerable.Range(0, 300), slot => Assert.Equal(AvatarTimeline.BaseFrameFor(slot, frames), AvatarTimeline.BaseFrameFor(slot + loop, frames)));
        }
    }

    [Fact]
    public void Boxes_are_smoothed_with_a_forward_mean_of_five()
    {
        var boxes = Enumerable.Range(0, 7).Select(i => new FaceBox(i * 10, 0, i * 10 + 100, 100)).ToArray();
        var smooth = FaceBoxSmoothing.Smooth(boxes);
        Assert.Equal(20, smooth[0].X1); // mean of 0..40
        Assert.Equal(30, smooth[1].X1);
        Assert.Equal(40, smooth[6].X1); // the tail uses the last full window (20..60)
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the callback inline.</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
