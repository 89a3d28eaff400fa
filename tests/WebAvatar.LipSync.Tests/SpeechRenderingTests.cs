using Xunit.Abstractions;
using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Tests;

public sealed class SpeechRenderingTests(AvatarFixture avatar, ITestOutputHelper output) : IClassFixture<AvatarFixture>
{
    private const int SilenceFrames = 20;

    [Fact]
    public async Task MouthMovesWithSpeechAndStaysStillInSilence()
    {
        var (clip, firstSpeech, endSpeech) = SpeechFixtures.SpokenClip("Hello there, how are you today?", SilenceFrames, SilenceFrames);
        using var renderer = await avatar.CreateRendererAsync();
        var frames = await RenderAllAsync(renderer, clip, firstFrameIndex: 500);
        try
        {
            var mouth = avatar.Geometry.MouthRegion;
            var outsideHead = FrameMath.Grow(avatar.Geometry.Head, 0.1f);
            var speechChange = MeanChange(frames, firstSpeech + 1, endSpeech, mouth);
            var silenceChange = MeanChange(frames, 1, firstSpeech, mouth);
            output.WriteLine($"mouth-region change per frame: speech {speechChange:F3}, silence {silenceChange:F3}");
            Assert.True(speechChange >= 4 * silenceChange && speechChange > 0.5,
                $"mouth change during speech {speechChange:F3} vs silence {silenceChange:F3} (needs >= 4x)");

            double worstBackground = 0;
            for (int i = 1; i < frames.Count; i++)
            {
                double background = FrameMath.MeanAbsDiff(frames[i - 1], frames[i], outsideHead, inside: false);
                worstBackground = Math.Max(worstBackground, background);
                Assert.True(background < 0.3, $"frame {i}: the picture outside the head changed by {background:F3} per pixel");
            }

            output.WriteLine($"largest change outside the head between frames: {worstBackground:F4}");
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(640)]
    [InlineData(641)]
    [InlineData(16_000)]
    public async Task RendersOneFramePer640Samples(int samples)
    {
        var clip = new SpeechClip(new short[samples], [], "");
        using var renderer = await avatar.CreateRendererAsync();
        var frames = await RenderAllAsync(renderer, clip, 0);
        Assert.Equal(MediaTiming.FramesForSamples(samples), frames.Count);
        Assert.All(frames, f => Assert.Equal((512, 512), (f.Width, f.Height)));
        frames.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task CancellationStopsRendering()
    {
        var clip = new SpeechClip(new short[MediaTiming.SamplesPerVideoFrame * 50], [], "");
        using var renderer = await avatar.CreateRendererAsync();
        using var cts = new CancellationTokenSource();
        int rendered = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in renderer.RenderSpeechAsync(clip, 0, cts.Token))
            {
                frame.Dispose();
                if (++rendered == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(3, rendered);
    }

    [Fact]
    public async Task ClosedLipsDoNotOpenEvenWhenLoud()
    {
        var loud = new short[MediaTiming.SamplesPerVideoFrame * 10];
        for (int i = 0; i < loud.Length; i++)
        {
            loud[i] = (short)(8000 * Math.Sin(i * 0.2));
        }

        using var renderer = await avatar.CreateRendererAsync();
        var closed = await RenderAllAsync(renderer, new SpeechClip(loud, [new PhonemeMark(0, "m", Viseme.Closed)], "mmm"), 0);
        using var openRenderer = await avatar.CreateRendererAsync();
        var open = await RenderAllAsync(openRenderer, new SpeechClip(loud, [new PhonemeMark(0, "a", Viseme.Open)], "aaa"), 0);
        using var rest = renderer.RenderIdle(0);
        try
        {
            var mouth = avatar.Geometry.MouthRegion;
            double closedDiff = FrameMath.MeanAbsDiff(rest, closed[^1], mouth);
            double openDiff = FrameMath.MeanAbsDiff(rest, open[^1], mouth);
            Assert.True(openDiff > 4 * closedDiff, $"open mouth differs from rest by {openDiff:F2}, pressed lips by {closedDiff:F2}");
        }
        finally
        {
            closed.ForEach(f => f.Dispose());
            open.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task IdleFramesAreDeterministicPerFrameIndex()
    {
        using var a = await avatar.CreateRendererAsync();
        using var b = await avatar.CreateRendererAsync();
        using var fa = a.RenderIdle(1234);
        using var fb = b.RenderIdle(1234);
        Assert.True(fa.Pixels.SequenceEqual(fb.Pixels));
    }

    private static double MeanChange(List<VideoFrame> frames, int from, int to, Box region)
    {
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += FrameMath.MeanAbsDiff(frames[i - 1], frames[i], region);
        }

        return sum / Math.Max(1, to - from);
    }

    internal static async Task<List<VideoFrame>> RenderAllAsync(IAvatarRenderer renderer, SpeechClip clip, long firstFrameIndex)
    {
        var frames = new List<VideoFrame>();
        await foreach (var frame in renderer.RenderSpeechAsync(clip, firstFrameIndex, CancellationToken.None))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
