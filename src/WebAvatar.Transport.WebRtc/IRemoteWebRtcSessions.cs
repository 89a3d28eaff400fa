using WebAvatar.Media;

namespace WebAvatar.Transport.WebRtc;

/// <summary>
/// Implemented by a cluster: signalling for a session that runs on another node. The WHEP endpoint asks it when the
/// session is not on this node; the answer it returns names the other node's media address, so the browser's media goes
/// straight there. Optional: without it, an unknown session answers 404.
/// </summary>
public interface IRemoteWebRtcSessions
{
    /// <summary>
    /// The answer from the session's node, or null when no node runs the session. Throws <see cref="Sdp.SdpException"/>
    /// for an offer that node refused as malformed and <see cref="Peers.WebRtcCapacityException"/> when it has no room.
    /// </summary>
    Task<RemoteWebRtcAnswer?> OfferAsync(string sessionId, string offerSdp, CancellationToken cancellationToken);

    /// <summary>Closes a peer on the session's node; false when there is none.</summary>
    Task<bool> ClosePeerAsync(string sessionId, string peerId, CancellationToken cancellationToken);
}

/// <summary>An answer made on another node: the SDP, its peer's id (the WHEP resource) and the video layout.</summary>
public sealed record RemoteWebRtcAnswer(string AnswerSdp, string PeerId, VideoLayout VideoLayout);
