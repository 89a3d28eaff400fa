using System.Threading.Channels;

namespace WebAvatar.Web.Admin.Avatars;

/// <summary>Avatars waiting for preprocessing, handled one at a time by <see cref="AvatarProcessor"/> (it is CPU-heavy).</summary>
public sealed class AvatarProcessingQueue
{
    private readonly Channel<string> _ids = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(string avatarId) => _ids.Writer.TryWrite(avatarId);

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken) => _ids.Reader.ReadAllAsync(cancellationToken);
}
