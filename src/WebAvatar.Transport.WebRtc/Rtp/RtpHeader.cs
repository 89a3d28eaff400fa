using System.Buffers.Binary;

namespace WebAvatar.Transport.WebRtc.Rtp;

/// <summary>Fixed 12-byte RTP header (RFC 3550 §5.1) without CSRCs or extensions; all we send.</summary>
public static class RtpHeader
{
    public const int Length = 12;

    public static void Write(Span<byte> destination, int payloadType, bool marker, ushort sequence, uint timestamp, uint ssrc)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
    }

    public static ushort ReadSequence(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);

    public static uint ReadTimestamp(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);

    public static uint ReadSsrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);

    public static int ReadPayloadType(ReadOnlySpan<byte> packet) => packet[1] & 0x7F;

    public static bool ReadMarker(ReadOnlySpan<byte> packet) => (packet[1] & 0x80) != 0;
}
