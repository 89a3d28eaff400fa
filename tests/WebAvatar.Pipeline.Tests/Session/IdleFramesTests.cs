using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline.Tests.Session;

public sealed class IdleFramesTests
{
    [Fact]
    public void Each_pose_is_rendered_once_and_shown_for_its_slots()
    {
        var renderer = new CountingRenderer();
        using var idle = new IdleFrames(renderer, hold: 2);

        var shown = Enumerable.Range(100, 6).Select(i => Take(idle.Render(i))).ToList();

        // Slots 100-105 hold poses 100, 102, 104: each rendered once, shown twice.
        Assert.Equal([100, 102, 104], renderer.Rendered);
        Assert.Equal([100, 100, 102, 102, 104, 104], shown);
    }

    [Fact]
    public void After_a_gap_of_speech_the_pose_is_rendered_anew()
    {
        var renderer = new CountingRenderer();
        using var idle = new IdleFrames(renderer, hold: 3);

        Assert.Equal(9, Take(idle.Render(9)));
        // Slot 10 played speech (the mouth moved); slot 11 shares pose slot 9-11 but must not show the picture from before it.
        Assert.Equal(11, Take(idle.Render(11)));
        Assert.Equal(12, Take(idle.Render(12)));
        Assert.Equal(12, Take(idle.Render(13)));
        Assert.Equal([9, 11, 12], renderer.Rendered);
    }

    [Fact]
    public void Hold_one_renders_every_slot_and_each_frame_belongs_to_the_caller()
    {
        var renderer = new CountingRenderer();
        using var idle = new IdleFrames(renderer, hold: 1);
        var first = idle.Render(0);
        var second = idle.Render(1);
        Assert.NotSame(first, second);
        first.Dispose();
        Assert.Equal(1, Take(second));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdleFrames(renderer, hold: 0));
    }

    /// <summary>The pixel value a counting frame carries (its render index), disposing it as a consumer would.</summary>
    private static int Take(VideoFrame frame)
    {
        using (frame)
        {
            return frame.Pixels[0] | (frame.Pixels[1] << 8);
        }
    }

    /// <summary>Paints each idle frame with its index, and records which indices it was asked to render.</summary>
    private sealed class CountingRenderer : IAvatarRenderer
    {
        public List<long> Rendered { get; } = [];

        public string EngineName => "counting";

        public int Width => 4;

        public int Height => 4;

        public VideoLayout Layout => VideoLayout.Opaque;

        public VideoFrame RenderIdle(long frameIndex)
        {
            Rendered.Add(frameIndex);
            var frame = new VideoFrame(Width, Height);
            frame.Pixels[0] = (byte)frameIndex;
            frame.Pixels[1] = (byte)(frameIndex >> 8);
            return frame;
        }

        public IAsyncEnumerable<VideoFrame> RenderSpeechAsync(WebAvatar.Speech.SpeechClip clip, long firstFrameIndex, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
