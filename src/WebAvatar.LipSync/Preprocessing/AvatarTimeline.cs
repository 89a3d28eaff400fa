namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Maps the session's frame slot to a base frame of the avatar video, playing it forward then backward (ping-pong)
/// so the loop point has no jump; idle and speech use the same mapping, so switching between them is seamless.
/// </summary>
public static class AvatarTimeline
{
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
