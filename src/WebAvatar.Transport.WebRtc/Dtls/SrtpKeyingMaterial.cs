using Org.BouncyCastle.Tls;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Dtls;

/// <summary>RFC 5764 §4.2 layout: client key | server key | client salt | server salt.</summary>
public static class SrtpKeyingMaterial
{
    /// <summary>Bytes of keying material <paramref name="profile"/> needs: a master key and salt for each direction.</summary>
    public static int Length(SrtpProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());

    /// <summary>
    /// What either end of a finished DTLS-SRTP handshake exports for <paramref name="profile"/> (the "EXTRACTOR-dtls_srtp" label);
    /// both ends get the same bytes. Throws the handshake_failure alert when no profile was agreed.
    /// </summary>
    public static byte[] Export(TlsContext context, SrtpProfile? profile) =>
        context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, Length(profile ?? throw new TlsFatalAlert(AlertDescription.handshake_failure)));

    /// <summary>Builds (our sending context, our receiving context) for the DTLS role we played.</summary>
    public static (SrtpContext Send, SrtpContext Receive) CreateContexts(SrtpProfile profile, ReadOnlySpan<byte> material, bool weAreClient)
    {
        int key = profile.MasterKeyLength();
        int salt = profile.MasterSaltLength();
        if (material.Length != Length(profile))
        {
            throw new ArgumentException($"{profile} keying material must be {Length(profile)} bytes.", nameof(material));
        }

        var clientKey = material[..key];
        var serverKey = material.Slice(key, key);
        var clientSalt = material.Slice(2 * key, salt);
        var serverSalt = material.Slice(2 * key + salt, salt);
        var client = new SrtpContext(profile, clientKey, clientSalt);
        var server = new SrtpContext(profile, serverKey, serverSalt);
        return weAreClient ? (client, server) : (server, client);
    }
}
