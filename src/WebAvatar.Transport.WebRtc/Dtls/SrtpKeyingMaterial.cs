using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Dtls;

/// <summary>RFC 5764 §4.2 layout: client key | server key | client salt | server salt.</summary>
public static class SrtpKeyingMaterial
{
    /// <summary>Builds (our sending context, our receiving context) for the DTLS role we played.</summary>
    public static (SrtpContext Send, SrtpContext Receive) CreateContexts(SrtpProfile profile, ReadOnlySpan<byte> material, bool weAreClient)
    {
        int key = profile.MasterKeyLength();
        int salt = profile.MasterSaltLength();
        if (material.Length != 2 * (key + salt))
        {
            throw new ArgumentException($"{profile} keying material must be {2 * (key + salt)} bytes.", nameof(material));
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
