using WebAvatar.Media;

namespace WebAvatar.Abstractions.Tests.Media;

public sealed class MediaFrameTests
{
    [Fact]
    public void A_slot_is_40_ms_of_video_with_two_20_ms_audio_frames_at_16_khz()
    {
        Assert.Equal(40, MediaTiming.VideoFrameMs);
        Assert.Equal(2, MediaTiming.AudioFramesPerVideoFrame);
        Assert.Equal(640, MediaTiming.SamplesPerVideoFrame);
        Assert.Equal(MediaTiming.VideoFrameMs * MediaTiming.PipelineSampleRate / 1000, MediaTiming.SamplesPerVideoFrame);
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(1L, 40_000L)]
    [InlineData(90_000L, 3_600_000_000L)]           // one hour: exact, nothing accumulates
    [InlineData(2_160_000L, 86_400_000_000L)]       // one day
    public void Pts_is_the_slot_index_times_40_ms_exactly(long index, long microseconds)
    {
        Assert.Equal(microseconds, MediaTiming.FrameIndexToMicroseconds(index));
        using var frame = new AvFrame(index, new VideoFrame(2, 2), speaking: false);
        Assert.Equal(microseconds, frame.PtsMicroseconds);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(640, 1)]
    [InlineData(641, 2)]
    [InlineData(16_000, 25)]
    public void Samples_need_whole_slots_rounded_up(int samples, int frames) =>
        Assert.Equal(frames, MediaTiming.FramesForSamples(samples));

    [Fact]
    public void A_new_frame_is_silent_even_from_a_dirty_pooled_buffer_and_disposing_it_frees_its_video()
    {
        // Dirty the pool: a renter that returns loud audio must not leak it into the next (idle) frame.
        for (int i = 0; i < 8; i++)
        {
            var loud = new AvFrame(i, new VideoFrame(2, 2), speaking: true);
            loud.Audio.Fill(12_345);
            loud.Dispose();
        }

        var frame = new AvFrame(9, new VideoFrame(4, 2), speaking: false);
        Assert.Equal(640, frame.Audio.Length);
        Assert.True(frame.Audio.IndexOfAnyExcept((short)0) < 0, "a new frame's audio must be silence");
        Assert.Equal(24, frame.Video.Pixels.Length);

        frame.Dispose();
        frame.Dispose(); // twice is harmless (several consumers may let go)
        Assert.Throws<ObjectDisposedException>(() => frame.Audio.Length);
        Assert.Throws<ObjectDisposedException>(() => frame.Video.Pixels.Length);
    }
}
