using WebAvatar.LipSync;
using WebAvatar.Media;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// The avatar at rest, one new pose every <see cref="Hold"/> slots. Idle motion (breathing, sway, blinks) is slow, so a pose
/// held for two slots looks the same; a repeated picture costs the renderer a copy and the encoder less than a new one
/// (about a fifth of a listening session's CPU with two slots, `bench idle`). Frames still leave at 25 fps on the media
/// clock, so timing and A/V sync do not change. A pose is reused only for consecutive idle slots: after speech it is
/// rendered anew.
/// Not thread-safe: the session calls it under its renderer lock.
/// </summary>
public sealed class IdleFrames(IAvatarRenderer renderer, int hold) : IDisposable
{
    private VideoFrame? _last;
    private long _lastIndex = long.MinValue;

    public int Hold { get; } = hold >= 1 ? hold : throw new ArgumentOutOfRangeException(nameof(hold), hold, "At least one slot per pose.");

    /// <summary>The idle frame for slot <paramref name="index"/>; the caller owns it.</summary>
    public VideoFrame Render(long index)
    {
        bool samePose = _last is not null && index == _lastIndex + 1 && index / Hold == _lastIndex / Hold;
        _lastIndex = index;
        if (Hold == 1)
        {
            return renderer.RenderIdle(index);
        }

        if (!samePose)
        {
            _last?.Dispose();
            _last = renderer.RenderIdle(index);
        }

        return _last!.Clone();
    }

    public void Dispose()
    {
        _last?.Dispose();
        _last = null;
    }
}
