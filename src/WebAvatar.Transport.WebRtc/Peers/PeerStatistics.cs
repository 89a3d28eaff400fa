using WebAvatar.Media;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>Gathers a <see cref="WebRtcPeerStats"/> snapshot from the parts of a peer that count things.</summary>
internal static class PeerStatistics
{
    public static WebRtcPeerStats Snapshot(
        WebRtcPeer peer,
        PeerIce ice,
        PeerSrtpReceiver receiver,
        PeerRtcpFeedback feedback,
        PeerMediaSender? sender,
        IEncodedMediaSubscription? subscription,
        OutboundStream? video,
        OutboundStream? audio) => new(
            peer.Id,
            peer.SessionId,
            peer.State.ToString(),
            peer.ConnectTimeMs,
            receiver.Profile?.ToString(),
            ice.RemoteText,
            Track(video, peer.VideoCodec?.ToString() ?? ""),
            Track(audio, "Opus"),
            receiver.MicrophonePackets,
            receiver.MicrophoneSamplesDelivered,
            receiver.MicrophoneDecodeErrors,
            receiver.Rejected,
            feedback.RoundTripTimeMs,
            feedback.Nacks,
            sender?.Retransmissions ?? 0,
            feedback.Plis,
            feedback.Firs,
            feedback.KeyFrameRequestsForwarded,
            subscription?.DroppedPackets ?? 0,
            peer.CloseReason);

    private static WebRtcTrackStats? Track(OutboundStream? stream, string codec)
    {
        if (stream is null)
        {
            return null;
        }

        var report = stream.LastReport;
        return new WebRtcTrackStats(codec, stream.Ssrc, stream.Packets, stream.Bytes, (report?.FractionLost ?? 0) / 256.0, report?.CumulativeLost ?? 0, report?.Jitter ?? 0);
    }
}
