using WebAvatar.Pipeline.Live;

namespace WebAvatar.Cluster.Sessions;

/// <summary>Encodes a session's avatar at rest as an image (implemented by the web app, which owns the image codecs).</summary>
public interface ISessionStills
{
    /// <summary>The still as PNG (transparency kept) or JPEG (a removed background shown white). Throws <see cref="ObjectDisposedException"/> when the session closed meanwhile.</summary>
    Task<byte[]> EncodeAsync(LiveSession session, bool png, CancellationToken cancellationToken);
}
