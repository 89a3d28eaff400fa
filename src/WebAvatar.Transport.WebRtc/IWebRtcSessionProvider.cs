using WebAvatar.Media;

namespace WebAvatar.Transport.WebRtc;

/// <summary>What a session id stands for: the encoded output to send, where the microphone goes, and who keeps track of peers.</summary>
/// <param name="Media">The session's encoded audio/video (encoded once, shared by every peer).</param>
/// <param name="Microphone">Receives the browser's decoded microphone (16 kHz mono); null ignores the mic.</param>
/// <param name="Attach">
/// Called with each new peer; the session keeps it (it holds the session alive while fresh, and is closed when the session
/// ends). The returned handle is disposed when the peer closes. Null attaches nothing.
/// </param>
/// <param name="VideoLayout">How the session's video frames are arranged; the answer tells the page (it composites transparency).</param>
public sealed record WebRtcSessionBinding(
    IEncodedMediaSource Media, IAudioInputSink? Microphone, Func<IMediaViewer, IDisposable>? Attach = null, VideoLayout VideoLayout = VideoLayout.Opaque);

/// <summary>Implemented by the app: resolves a session id from the signalling URL.</summary>
public interface IWebRtcSessionProvider
{
    /// <summary>Returns the binding, or null when the session does not exist (the endpoint answers 404).</summary>
    ValueTask<WebRtcSessionBinding?> FindAsync(string sessionId, CancellationToken cancellationToken);
}
