namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>Per-track send figures plus the browser's latest receiver report about it.</summary>
public sealed record WebRtcTrackStats(
    string Codec,
    uint Ssrc,
    long PacketsSent,
    long BytesSent,
    double FractionLost,
    int PacketsLost,
    uint JitterRtpUnits);

/// <summary>A snapshot of one peer, served as JSON by GET /api/webrtc/{session}/{peer}/stats.</summary>
public sealed record WebRtcPeerStats(
    string PeerId,
    string SessionId,
    string State,
    double? ConnectTimeMs,
    string? SrtpProfile,
    string RemoteAddress,
    WebRtcTrackStats? Video,
    WebRtcTrackStats? Audio,
    long MicPacketsReceived,
    long MicSamplesDelivered,
    long MicDecodeErrors,
    long SrtpRejected,
    double? RoundTripTimeMs,
    long NacksReceived,
    long Retransmissions,
    long PlisReceived,
    long FirsReceived,
    long KeyFrameRequestsForwarded,
    long MediaPacketsDropped,
    string? CloseReason);
