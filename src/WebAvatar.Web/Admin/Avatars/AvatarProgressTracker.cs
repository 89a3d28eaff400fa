using System.Collections.Concurrent;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>Progress of one avatar's preprocessing. <see cref="Percent"/> is 0..100; <see cref="Error"/> set means it stopped.</summary>
public sealed record AvatarProgress(string AvatarId, int Percent, string Stage, string? Error = null)
{
    public bool IsDone => Percent >= 100 || Error is not null;
}

/// <summary>
/// Live preprocessing progress for the dashboard. Pages subscribe to <see cref="Changed"/> (raised on the
/// worker thread: marshal to the UI with InvokeAsync) or poll <see cref="Get"/>.
/// </summary>
public sealed class AvatarProgressTracker
{
    private readonly ConcurrentDictionary<string, AvatarProgress> _progress = new();

    public event Action<AvatarProgress>? Changed;

    public AvatarProgress? Get(string avatarId) => _progress.TryGetValue(avatarId, out var p) ? p : null;

    public void Report(string avatarId, int percent, string stage) => Set(new AvatarProgress(avatarId, Math.Clamp(percent, 0, 100), stage));

    public void Fail(string avatarId, string error) => Set(new AvatarProgress(avatarId, Get(avatarId)?.Percent ?? 0, "Failed", error));

    public void Forget(string avatarId) => _progress.TryRemove(avatarId, out _);

    private void Set(AvatarProgress progress)
    {
        _progress[progress.AvatarId] = progress;
        Changed?.Invoke(progress);
    }
}
