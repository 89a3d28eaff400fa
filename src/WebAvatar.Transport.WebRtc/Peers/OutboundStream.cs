using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>Sender state of one RTP stream (SSRC): sequence numbers, the clock mapping, counters, NACK history.</summary>
internal sealed class OutboundStream
{
    public OutboundStream(uint ssrc, int payloadType, int clockRate, int historyCapacity)
    {
        Ssrc = ssrc;
        PayloadType = payloadType;
        ClockRate = clockRate;
        Sequence = (ushort)Random.Shared.Next(0, 0x8000);
        TimestampBase = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
        History = new RtpPacketHistory(historyCapacity);
    }

    public uint Ssrc { get; }

    public int PayloadType { get; }

    public int ClockRate { get; }

    public ushort Sequence { get; set; }

    /// <summary>RTP timestamp of pts 0 on the session clock (random, RFC 3550 §5.1).</summary>
    public uint TimestampBase { get; }

    public RtpPacketHistory History { get; }

    public long Packets { get; set; }

    public long PayloadOctets { get; set; }

    public long Bytes { get; set; }

    public RtcpReportBlock? LastReport { get; set; }

    /// <summary>RTP timestamp for a position on the session clock; audio and video share the same origin.</summary>
    public uint TimestampAt(long microseconds) => unchecked(TimestampBase + (uint)(microseconds * ClockRate / 1_000_000));
}
