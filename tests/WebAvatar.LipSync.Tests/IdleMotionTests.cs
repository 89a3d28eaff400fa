using WebAvatar.LipSync.Parametric;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Tests;

public sealed class IdleMotionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    public void BlinksComeEvery2Point5To5Point5Seconds(int seed)
    {
        var motion = new IdleMotion(seed);
        var starts = new List<long>();
        for (long i = 0; i < 25 * 600; i++)
        {
            if (motion.BlinkAt(i) > 0 && motion.BlinkAt(i - 1) == 0)
            {
                starts.Add(i);
            }
        }

        Assert.InRange(starts.Count, 600 / 5.5, 600 / 2.5 + 1);
        for (int k = 1; k < starts.Count; k++)
        {
            double gap = (starts[k] - starts[k - 1]) / (double)MediaTiming.VideoFps;
            Assert.InRange(gap, 2.5 - 0.04, 5.5 + 0.04);
        }
    }

    [Fact]
    public void BlinkClosesFullyAndLastsAbout150Ms()
    {
        var motion = new IdleMotion(7);
        long start = Enumerable.Range(0, 1000).First(i => motion.BlinkAt(i) > 0);
        int length = 0;
        while (motion.BlinkAt(start + length) > 0)
        {
            length++;
        }

        Assert.InRange(length * MediaTiming.VideoFrameMs, 120, 200);
        Assert.Equal(1f, Enumerable.Range(0, length).Max(k => motion.BlinkAt(start + k)));
    }

    [Fact]
    public void HeadSwayStaysSmallAndContinuous()
    {
        var motion = new IdleMotion(3);
        var previous = motion.At(0);
        bool moved = false;
        for (long i = 1; i < 25 * 120; i++)
        {
            var pose = motion.At(i);
            Assert.InRange(pose.HeadRotationDegrees, -0.5f, 0.5f);
            Assert.InRange(pose.HeadShiftX, -1.5f, 1.5f);
            Assert.InRange(pose.HeadShiftY, -1.5f, 1.5f);
            Assert.True(Math.Abs(pose.HeadShiftX - previous.HeadShiftX) < 0.1f, "head jumps between frames");
            Assert.True(Math.Abs(pose.HeadRotationDegrees - previous.HeadRotationDegrees) < 0.05f, "head rotation jumps");
            moved |= Math.Abs(pose.HeadShiftX) > 0.8f;
            previous = pose;
        }

        Assert.True(moved, "the head never sways");
    }

    [Theory]
    [InlineData(IdleMotion.MinLoopFrames)]
    [InlineData(IdleMotion.DefaultLoopFrames)]
    public void The_motion_repeats_every_loop_and_no_blink_straddles_its_end(int loop)
    {
        var motion = new IdleMotion(5, loop);
        Assert.Equal(loop, motion.LoopFrames);
        for (long i = loop; i < 3 * loop; i++)
        {
            Assert.Equal(motion.At(i), motion.At(i + loop));
        }

        Assert.Equal(0, motion.BlinkAt((2 * loop) - 1));
        Assert.Equal(0, motion.BlinkAt(2 * loop));
        Assert.Contains(Enumerable.Range(loop, loop), i => motion.BlinkAt(i) == 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdleMotion(5, IdleMotion.MinLoopFrames - 1));
    }
}
