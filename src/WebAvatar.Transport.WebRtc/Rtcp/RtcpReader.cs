using System.Buffers.Binary;

namespace WebAvatar.Transport.WebRtc.Rtcp;

/// <summary>
/// Walks a compound RTCP packet and reports what matters to a sender: report blocks, generic NACKs, PLI and FIR.
/// Bounds-checked throughout; a malformed packet stops the walk and returns false, it never throws.
/// </summary>
public static class RtcpReader
{
    public static bool Read(ReadOnlySpan<byte> compound, IRtcpFeedbackHandler handler)
    {
        int offset = 0;
        while (offset + 4 <= compound.Length)
        {
            var header = compound[offset..];
            if ((header[0] >> 6) != 2)
            {
                return false;
            }

            int count = header[0] & 0x1F;
            byte type = header[1];
            int length = (BinaryPrimitives.ReadUInt16BigEndian(header[2..]) + 1) * 4;
            if (offset + length > compound.Length)
            {
                return false;
            }

            var packet = compound.Slice(offset, length);
            switch (type)
            {
                case RtcpPacketType.SenderReport when packet.Length >= 28:
                    handler.OnSenderReport(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), BinaryPrimitives.ReadUInt64BigEndian(packet[8..]));
                    ReadReportBlocks(packet, 28, count, handler);
                    break;
                case RtcpPacketType.ReceiverReport:
                    ReadReportBlocks(packet, 8, count, handler);
                    break;
                case RtcpPacketType.TransportFeedback when count == RtcpPacketType.NackFormat:
                    ReadNacks(packet, handler);
                    break;
                case RtcpPacketType.PayloadFeedback when count == RtcpPacketType.PliFormat && packet.Length >= 12:
                    handler.OnKeyFrameRequest(BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), isFir: false);
                    break;
                case RtcpPacketType.PayloadFeedback when count == RtcpPacketType.FirFormat:
                    ReadFir(packet, handler);
                    break;
            }

            offset += length;
        }

        return offset == compound.Length;
    }

    private static void ReadReportBlocks(ReadOnlySpan<byte> packet, int firstBlock, int count, IRtcpFeedbackHandler handler)
    {
        for (int i = 0; i < count; i++)
        {
            int o = firstBlock + i * 24;
            if (o + 24 > packet.Length)
            {
                return;
            }

            var b = packet[o..];
            int cumulative = (b[5] << 16) | (b[6] << 8) | b[7];
            if ((cumulative & 0x800000) != 0)
            {
                cumulative |= unchecked((int)0xFF000000);
            }

            handler.OnReportBlock(new RtcpReportBlock(
                BinaryPrimitives.ReadUInt32BigEndian(b),
                b[4],
                cumulative,
                BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[20..])));
        }
    }

    private static void ReadNacks(ReadOnlySpan<byte> packet, IRtcpFeedbackHandler handler)
    {
        if (packet.Length < 12)
        {
            return;
        }

        uint mediaSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        for (int o = 12; o + 4 <= packet.Length; o += 4)
        {
            ushort pid = BinaryPrimitives.ReadUInt16BigEndian(packet[o..]);
            ushort blp = BinaryPrimitives.ReadUInt16BigEndian(packet[(o + 2)..]);
            handler.OnNack(mediaSsrc, pid);
            for (int bit = 0; bit < 16; bit++)
            {
                if ((blp & (1 << bit)) != 0)
                {
                    handler.OnNack(mediaSsrc, (ushort)(pid + bit + 1));
                }
            }
        }
    }

    private static void ReadFir(ReadOnlySpan<byte> packet, IRtcpFeedbackHandler handler)
    {
        // FCI entries: SSRC of the media sender to refresh, then sequence number and reserved bytes.
        for (int o = 12; o + 8 <= packet.Length; o += 8)
        {
            handler.OnKeyFrameRequest(BinaryPrimitives.ReadUInt32BigEndian(packet[o..]), isFir: true);
        }
    }
}
