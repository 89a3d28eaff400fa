using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Testing.Load;

/// <summary>
/// The mirror image of the server's <c>DtlsSrtpClient</c>: a BouncyCastle DTLS 1.2 server for DTLS-SRTP (RFC 5764)
/// with ECDSA credentials, extended master secret, use_srtp (the client's first profile we support) and the client
/// certificate pinned to the fingerprint of the SDP answer. One instance per handshake.
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsCertificate _certificate;
    private readonly string _expectedPeerFingerprint;
    private readonly int _handshakeTimeoutMs;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, string expectedPeerFingerprint, int handshakeTimeoutMs)
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

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var useSrtp = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure);
        foreach (int code in useSrtp.ProtectionProfiles)
        {
            if (SrtpProfileExtensions.FromDtlsCode(code) is { } profile)
            {
                SelectedProfile = profile;
                return;
            }
        }

        throw new TlsFatalAlert(AlertDescription.handshake_failure);
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions() ?? new Dictionary<int, byte[]>();
        var profile = SelectedProfile ?? throw new TlsFatalAlert(AlertDescription.internal_error);
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(new[] { profile.ToDtlsCode() }, Array.Empty<byte>()));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        // DTLS-SRTP authenticates both ends by fingerprint, so the client must present its certificate.
        var algorithms = new List<SignatureAndHashAlgorithm>
        {
            new(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            new(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.rsa),
        };
        return new CertificateRequest(new[] { ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign }, algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        DtlsCertificate.RequireFingerprint(clientCertificate, _expectedPeerFingerprint);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = SrtpKeyingMaterial.Export(m_context, SelectedProfile);
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => new[]
    {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _certificate.Signer((BcTlsCrypto)Crypto, m_context);
}
