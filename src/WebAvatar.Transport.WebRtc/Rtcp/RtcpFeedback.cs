namespace WebAvatar.Transport.WebRtc.Rtcp;

/// <summary>One report block of an SR/RR (RFC 3550 §6.4.1) about a stream we send.</summary>
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint HighestSequence, uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport);

/// <summary>What a receiver of our RTCP parsing reacts to; implemented by the peer.</summary>
public interface IRtcpFeedbackHandler
{
    void OnReportBlock(in RtcpReportBlock block);

    /// <summary>The sender info of an SR from the remote (its NTP time), for the LSR of our reports.</summary>
    void OnSenderReport(uint ssrc, ulong ntpTimestamp)
    {
    }

    void OnNack(uint mediaSsrc, ushort sequence);

    /// <summary>PLI or FIR: the receiver needs a keyframe.</summary>
    void OnKeyFrameRequest(uint mediaSsrc, bool isFir);
}
