using WebAvatar.LipSync;

namespace WebAvatar.Testing.Doubles;

/// <summary>Hands out <see cref="FlatAvatarRenderer"/>s for any avatar path (engine "flat").</summary>
public sealed class FlatRendererFactory : IAvatarRendererFactory
{
    public string EngineName => "flat";

    public bool IsAvailable => true;

    public Task<IAvatarRenderer> CreateAsync(string avatarPath, CancellationToken cancellationToken) =>
        Task.FromResult<IAvatarRenderer>(new FlatAvatarRenderer());

    public Task<IAvatarRenderer> CreateAsync(string avatarPath, AvatarBackground background, CancellationToken cancellationToken) =>
        background.Mode == AvatarBackgroundMode.Keep
            ? CreateAsync(avatarPath, cancellationToken)
            : throw new AvatarException("The flat test renderer has no background to remove.");
}
