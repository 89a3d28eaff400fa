using WebAvatar.Data.Entities;
using WebAvatar.LipSync;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>
/// The admin worker's Wav2Lip step: a video upload gets its per-frame faces, crops and masks cached by
/// <see cref="AvatarPreprocessor"/> (resumable; the cache is keyed by content, so sessions find it) before it is marked
/// ready. Images need nothing: the Wav2Lip engine preprocesses a single frame in milliseconds on first use.
/// </summary>
internal sealed class Wav2LipAvatarPreparer(AvatarPreprocessor preprocessor, AvatarProgressTracker progress)
{
    /// <summary>
    /// Preprocesses <paramref name="source"/> when <paramref name="avatar"/> is a video, reporting
    /// <paramref name="fromPercent"/>..<paramref name="toPercent"/>. Returns null when done (or nothing to do), or a
    /// status message when the video cannot drive Wav2Lip (e.g. too few frames show a face); other engines still work then.
    /// </summary>
    public async Task<string?> PrepareAsync(AvatarRecord avatar, string source, int fromPercent, int toPercent, CancellationToken cancellationToken)
    {
        if (avatar.Kind != AvatarKind.Video)
        {
            return null;
        }

        const string Stage = "Wav2Lip preprocessing (faces, crops and masks of every frame)";
        progress.Report(avatar.Id, fromPercent, Stage);
        var reporter = new PercentProgress(fraction => progress.Report(avatar.Id, fromPercent + (int)Math.Round(fraction * (toPercent - fromPercent)), Stage));
        try
        {
            await preprocessor.LoadOrPreprocessAsync(source, reporter, cancellationToken);
            return null;
        }
        catch (AvatarException e)
        {
            return "Ready, but not for Wav2Lip: " + e.Message;
        }
    }

    /// <summary>Reports inline (Progress&lt;T&gt; would post to the thread pool and could reorder updates).</summary>
    private sealed class PercentProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(Math.Clamp(value, 0, 1));
    }
}
