namespace WebAvatar.Transport.WebRtc.Rtp;

/// <summary>
/// Receives the RTP payloads a packetiser cuts from one frame, in order. The payload span is only valid
/// during the call (packetisers reuse one scratch buffer); <paramref name="endOfFrame"/> marks the packet
/// that carries the RTP marker bit.
/// </summary>
public interface IRtpPayloadSink
{
    void OnPayload(ReadOnlySpan<byte> payload, bool endOfFrame);
}
