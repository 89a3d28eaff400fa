namespace WebAvatar.Media;

/// <summary>
/// A connection that watches a session's media (a WebRTC peer). The session keeps it as an attachment: it holds the
/// session alive while <see cref="SinceLastHeard"/> stays short, and the session closes it when it ends.
/// Members are thread-safe and never block.
/// </summary>
public interface IMediaViewer
{
    string Id { get; }

    /// <summary>"webrtc", ...: for dashboards.</summary>
    string Transport { get; }

    /// <summary>Time since the viewer last proved it is there (an authenticated packet or an ICE consent check).</summary>
    TimeSpan SinceLastHeard { get; }

    /// <summary>Completes when media starts flowing to the viewer (not when it closes first).</summary>
    Task Connected { get; }

    /// <summary>Closes the connection (idempotent).</summary>
    void Close(string reason);
}
