namespace WebAvatar.Transport.WebRtc.Rtcp;

public static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;

    public const int NackFormat = 1;
    public const int PliFormat = 1;
    public const int FirFormat = 4;
}
