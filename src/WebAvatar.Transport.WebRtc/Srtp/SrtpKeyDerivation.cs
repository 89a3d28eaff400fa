namespace WebAvatar.Transport.WebRtc.Srtp;

/// <summary>RFC 3711 §4.3 key derivation with a key derivation rate of 0 (the only rate DTLS-SRTP uses).</summary>
public static class SrtpKeyDerivation
{
    public const byte LabelRtpCipher = 0;
    public const byte LabelRtpAuth = 1;
    public const byte LabelRtpSalt = 2;
    public const byte LabelRtcpCipher = 3;
    public const byte LabelRtcpAuth = 4;
    public const byte LabelRtcpSalt = 5;

    /// <summary>Writes <paramref name="output"/>.Length bytes of the session key for <paramref name="label"/>.</summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("SRTP master salt is at most 14 bytes.", nameof(masterSalt));
        }

        // x = (label << 48) XOR master_salt, as a 112-bit value placed in the top of the 128-bit IV.
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        using var prf = new AesCounterMode(masterKey);
        prf.Keystream(iv, output);
    }

    public static byte[] Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        var output = new byte[length];
        Derive(masterKey, masterSalt, label, output);
        return output;
    }
}
