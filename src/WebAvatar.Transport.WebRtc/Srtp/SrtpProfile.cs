namespace WebAvatar.Transport.WebRtc.Srtp;

/// <summary>SRTP protection profiles negotiated through DTLS use_srtp (RFC 5764, RFC 7714).</summary>
public enum SrtpProfile
{
    Aes128CmHmacSha1_80,
    AeadAes128Gcm,
}

public static class SrtpProfileExtensions
{
    /// <summary>DTLS use_srtp code points (IANA "DTLS-SRTP Protection Profiles").</summary>
    public static int ToDtlsCode(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 0x0007 : 0x0001;

    public static SrtpProfile? FromDtlsCode(int code) => code switch
    {
        0x0001 => SrtpProfile.Aes128CmHmacSha1_80,
        0x0007 => SrtpProfile.AeadAes128Gcm,
        _ => null,
    };

    public static int MasterKeyLength(this SrtpProfile profile) => 16;

    public static int MasterSaltLength(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    /// <summary>Bytes appended to an RTP packet by protection.</summary>
    public static int RtpOverhead(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 16 : 10;

    /// <summary>Bytes appended to an RTCP packet by protection (tag plus the 4-byte E|index word).</summary>
    public static int RtcpOverhead(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 20 : 14;
}
