using WebAvatar.Cluster.Sessions;
using WebAvatar.Transport.WebRtc;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Sdp;

namespace WebAvatar.Cluster.Signalling;

/// <summary>WHEP for a session on another node: the offer travels to the session's grain, which answers with a peer on its node.</summary>
internal sealed class ClusterWebRtcSessions(ClusterSessions sessions) : IRemoteWebRtcSessions
{
    public async Task<RemoteWebRtcAnswer?> OfferAsync(string sessionId, string offerSdp, CancellationToken cancellationToken)
    {
        if (sessions.Session(sessionId) is not { } grain)
        {
            return null;
        }

        var answer = await grain.OfferAsync(offerSdp).WaitAsync(cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            null => null,
            { RefusedAs: WhepRefusal.BadOffer } => throw new SdpException(answer.Refusal ?? "The offer was refused."),
            { RefusedAs: WhepRefusal.NoCapacity } => throw new WebRtcCapacityException(answer.Refusal ?? "No room for another peer."),
            _ => new RemoteWebRtcAnswer(answer.AnswerSdp!, answer.PeerId!, answer.VideoLayout),
        };
    }

    public async Task<bool> ClosePeerAsync(string sessionId, string peerId, CancellationToken cancellationToken) =>
        sessions.Session(sessionId) is { } grain && await grain.ClosePeerAsync(peerId).WaitAsync(cancellationToken).ConfigureAwait(false);
}
