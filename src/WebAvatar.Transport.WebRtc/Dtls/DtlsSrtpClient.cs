using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Dtls;

/// <summary>
/// BouncyCastle DTLS 1.2 client for DTLS-SRTP (RFC 5764): ECDSA credentials, extended master secret,
/// use_srtp with GCM and CM-80, and the peer certificate pinned to the SDP fingerprint.
/// One instance per handshake.
/// </summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private static readonly int[] OfferedProfiles =
    {
        SrtpProfile.AeadAes128Gcm.ToDtlsCode(),
        SrtpProfile.Aes128CmHmacSha1_80.ToDtlsCode(),
    };

    private readonly DtlsCertificate _certificate;
    private readonly string _expectedPeerFingerprint;
    private readonly int _handshakeTimeoutMs;

    public DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, string expectedPeerFingerprint, int handshakeTimeoutMs)
        : base(crypto)
    {
        _certificate = certificate;
        _expectedPeerFingerprint = expectedPeerFingerprint;
        _handshakeTimeoutMs = handshakeTimeoutMs;
    }

    public SrtpProfile? SelectedProfile { get; private set; }

    /// <summary>Exported keying material, available after the handshake (RFC 5764 §4.2).</summary>
    public byte[]? KeyingMaterial { get; private set; }

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMs;

    public override bool RequiresExtendedMasterSecret() => true;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(OfferedProfiles, Array.Empty<byte>()));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var useSrtp = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (useSrtp is null || useSrtp.ProtectionProfiles.Length != 1)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter);
        }

        SelectedProfile = SrtpProfileExtensions.FromDtlsCode(useSrtp.ProtectionProfiles[0])
            ?? throw new TlsFatalAlert(AlertDescription.illegal_parameter);
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = SrtpKeyingMaterial.Export(m_context, SelectedProfile);
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => new[]
    {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    };

    private sealed class Authentication(DtlsSrtpClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            DtlsCertificate.RequireFingerprint(serverCertificate.Certificate, owner._expectedPeerFingerprint);
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            return owner._certificate.Signer((BcTlsCrypto)owner.Crypto, owner.m_context);
        }
    }
}
