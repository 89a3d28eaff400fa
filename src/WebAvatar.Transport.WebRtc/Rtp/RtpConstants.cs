namespace WebAvatar.Transport.WebRtc.Rtp;

public static class RtpConstants
{
    /// <summary>Largest RTP payload we send: keeps SRTP packets under typical path MTUs (with TURN/VPN overhead).</summary>
    public const int MaxPayload = 1200;

    /// <summary>Room for one full SRTP packet: header, payload and the largest auth tag.</summary>
    public const int MaxPacket = RtpHeader.Length + MaxPayload + 16;

    public const int VideoClockRate = 90_000;

    public const int OpusClockRate = 48_000;
}
