using WebAvatar.LipSync.Matting;
using WebAvatar.LipSync.Wav2Lip;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Tests.Wav2Lip;

/// <summary>Filmed avatars drawn by Wav2Lip lose a green screen frame by frame; other footage keeps its background.</summary>
public class Wav2LipBackgroundTests
{
    [Fact]
    public async Task Green_screen_footage_is_keyed_every_frame_with_the_mouth_still_inferred()
    {
        using var factory = Wav2LipRendererTests.NewFactory(Wav2LipTestAssets.TinyModel96);
        using var renderer = await factory.CreateAsync(Wav2LipTestAssets.GreenScreenVideo, AvatarBackground.Remove, CancellationToken.None);
        Assert.Equal(VideoLayout.ColorAlphaSideBySide, renderer.Layout);
        var keyed = Assert.IsType<ChromaKeyedRenderer>(renderer);
        var footage = Assert.IsType<Wav2LipRenderer>(keyed.Inner);
        int side = footage.Width;
        Assert.Equal((side * 2, footage.Height), (renderer.Width, renderer.Height));

        const long firstSlot = 5;
        var samples = Wav2LipTestAssets.Speechlike(1.0);
        var frames = new List<VideoFrame>();
        await foreach (var frame in renderer.RenderSpeechAsync(new SpeechClip(samples, [], "test"), firstSlot, CancellationToken.None))
        {
            frames.Add(frame);
        }

        Assert.Equal(MediaTiming.FramesForSamples(samples.Length), frames.Count);
        Assert.Equal(frames.Count, footage.FramesInferred); // the mouth went through the model on every frame
        for (int i = 0; i < frames.Count; i++)
        {
            using var frame = frames[i];
            Assert.Equal(VideoLayout.ColorAlphaSideBySide, frame.Layout);
            var box = footage.BoxForSlot(firstSlot + i);
            var pixels = frame.Pixels.ToArray();
            byte Alpha(int x, int y) => pixels[(y * frame.Stride) + (3 * (side + x))];
            Assert.Equal(0, Alpha(4, 4)); // the screen in the corner
            Assert.Equal(255, Alpha((box.X1 + box.X2) / 2, (box.Y1 + box.Y2) / 2));
            int transparent = 0, tinted = 0;
            for (int y = 0; y < frame.Height; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    transparent += Alpha(x, y) == 0 ? 1 : 0;
                    int c = (y * frame.Stride) + (3 * x);
                    tinted += pixels[c + 1] > Math.Max(pixels[c], pixels[c + 2]) + 1 ? 1 : 0;
                }
            }

            Assert.True(transparent > side * frame.Height / 5, $"frame {i}: only {transparent} transparent pixels");
            Assert.Equal(0, tinted); // spill suppressed: no pixel left greener than its red and blue
        }
    }

    [Fact]
    public async Task Green_screen_footage_can_stand_on_a_colour()
    {
        using var factory = Wav2LipRendererTests.NewFactory(Wav2LipTestAssets.TinyModel96);
        using var renderer = await factory.CreateAsync(Wav2LipTestAssets.GreenScreenVideo, AvatarBackground.ReplaceWithColor("#102030"), CancellationToken.None);
        Assert.Equal(VideoLayout.Opaque, renderer.Layout);
        using var frame = renderer.RenderIdle(3);
        Assert.Equal(new byte[] { 0x30, 0x20, 0x10 }, frame.Pixels[..3].ToArray());
    }

    [Fact]
    public async Task Footage_without_a_screen_is_refused_with_the_reason()
    {
        using var factory = Wav2LipRendererTests.NewFactory(Wav2LipTestAssets.TinyModel96);
        var error = await Assert.ThrowsAsync<AvatarException>(() => factory.CreateAsync(Wav2LipTestAssets.TalkingHeadVideo, AvatarBackground.Remove, CancellationToken.None));
        Assert.Contains("green or blue screen", error.Message);
        Assert.Contains("parametric engine", error.Message);
    }
}
