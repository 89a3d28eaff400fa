using WebAvatar.Dsp;

namespace WebAvatar.Pipeline.Voice;

/// <summary>
/// Diagnostics only: spots the moment microphone audio gets loud after a quiet spell, so logs can show when speech
/// reached the server before the VAD decided anything. The level matches the browser-side barge-in measurement
/// (RMS 0.02 of full scale). Not thread-safe: one per microphone stream.
/// </summary>
internal sealed class MicLevelOnset
{
    private const double LoudRms = 0.02 * 32768;
    private const int QuietChunksToReArm = 25;
    private int _quietChunks = QuietChunksToReArm;

    /// <summary>True when <paramref name="chunk"/> is loud and follows at least <see cref="QuietChunksToReArm"/> quiet chunks.</summary>
    public bool Update(ReadOnlySpan<short> chunk)
    {
        if (chunk.IsEmpty)
        {
            return false;
        }

        if (AudioLevel.Rms(chunk) < LoudRms)
        {
            _quietChunks++;
            return false;
        }

        var onset = _quietChunks >= QuietChunksToReArm;
        _quietChunks = 0;
        return onset;
    }
}
