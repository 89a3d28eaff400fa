namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Maps the session's frame slot to a base frame of the avatar video, playing it forward then backward (ping-pong)
/// so the loop point has no jump; idle and speech use the same mapping, so switching between them is seamless.
/// </summary>
public static class AvatarTimeline
{
    /// <summary>Shortest replayable idle loop (4 s): a loop's first frame is a key frame, so a shorter one would add key frames.</summary>
    private const int MinReplayFrames = 4 * Media.MediaTiming.VideoFps;

    /// <summary>Longest idle loop worth recording (60 s); a longer timeline is not replayed.</summary>
    private const int MaxReplayFrames = 60 * Media.MediaTiming.VideoFps;

    /// <summary>
    /// The idle loop of a timeline of <paramref name="frameCount"/> base frames: whole back-and-forth periods, at least
    /// 4 s long; 0 when that is over a minute.
    /// </summary>
    public static int ReplayLoopFrames(int frameCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        long period = frameCount == 1 ? 1 : 2L * (frameCount - 1);
        long loop = period * ((MinReplayFrames + period - 1) / period);
        return loop <= MaxReplayFrames ? (int)loop : 0;
    }

    public static int BaseFrameFor(long slot, int frameCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        if (frameCount == 1)
        {
            return 0;
        }

        long period = 2L * (frameCount - 1);
        long phase = slot % period;
        return (int)(phase < frameCount ? phase : period - phase);
    }
}
