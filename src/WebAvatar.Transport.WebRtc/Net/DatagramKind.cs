namespace WebAvatar.Transport.WebRtc.Net;

/// <summary>RFC 7983 demultiplexing of one UDP port by the first byte.</summary>
public enum DatagramKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}

public static class DatagramClassifier
{
    public static DatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return DatagramKind.Unknown;
        }

        byte first = datagram[0];
        if (first <= 3)
        {
            return DatagramKind.Stun;
        }

        if (first is >= 20 and <= 63)
        {
            return DatagramKind.Dtls;
        }

        if (first is >= 128 and <= 191)
        {
            // RFC 5761: RTCP packet types 192-223 sit where RTP would carry payload types 64-95 with the marker set.
            return datagram.Length >= 2 && datagram[1] is >= 192 and <= 223 ? DatagramKind.Rtcp : DatagramKind.Rtp;
        }

        return DatagramKind.Unknown;
    }
}
