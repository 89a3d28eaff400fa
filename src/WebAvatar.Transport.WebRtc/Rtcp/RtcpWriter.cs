using System.Buffers.Binary;

namespace WebAvatar.Transport.WebRtc.Rtcp;

/// <summary>Writes the RTCP packets we send: sender reports (RFC 3550 §6.4.1), reduced-size (RFC 5506).</summary>
public static class RtcpWriter
{
    public const int SenderReportLength = 28;

    /// <summary>An SR, optionally carrying report blocks (24 bytes each) about streams we receive.</summary>
    public static int WriteSenderReport(Span<byte> destination, uint ssrc, ulong ntp, uint rtpTimestamp, uint packetCount, uint octetCount, ReadOnlySpan<byte> reportBlocks = default)
    {
        int blocks = reportBlocks.Length / 24;
        if (blocks * 24 != reportBlocks.Length || blocks > 31)
        {
            throw new ArgumentException("Report blocks must be whole 24-byte blocks, at most 31.", nameof(reportBlocks));
        }

        int length = SenderReportLength + reportBlocks.Length;
        destination[0] = (byte)(0x80 | blocks);
        destination[1] = RtcpPacketType.SenderReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ntp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);
        reportBlocks.CopyTo(destination[SenderReportLength..]);
        return length;
    }

    /// <summary>Generic NACK (RFC 4585 §6.2.1) for one lost sequence number; used by tests to play the browser.</summary>
    public static int WriteNack(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ushort lostSequence, ushort followingLostBitmask = 0)
    {
        destination[0] = 0x80 | RtcpPacketType.NackFormat;
        destination[1] = RtcpPacketType.TransportFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 3);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], lostSequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], followingLostBitmask);
        return 16;
    }

    /// <summary>Picture loss indication (RFC 4585 §6.3.1).</summary>
    public static int WritePli(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        destination[0] = 0x80 | RtcpPacketType.PliFormat;
        destination[1] = RtcpPacketType.PayloadFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 2);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return 12;
    }
}
