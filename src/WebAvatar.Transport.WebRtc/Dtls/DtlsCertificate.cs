using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Tls = Org.BouncyCastle.Tls;
using TlsBc = Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace WebAvatar.Transport.WebRtc.Dtls;

/// <summary>
/// The process's self-signed ECDSA P-256 certificate for DTLS (RFC 8827: identity is the SDP fingerprint,
/// not a CA). Generated once at start; immutable and shared by every peer.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        FingerprintSha256 = FormatFingerprint(SHA256.HashData(der));
    }

    /// <summary>The certificate in DER form.</summary>
    public byte[] Der { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>Upper-case colon-separated SHA-256 of <see cref="Der"/>, as it goes into a=fingerprint.</summary>
    public string FingerprintSha256 { get; }

    public static DtlsCertificate Generate(TimeSpan? validity = null)
    {
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keys = generator.GenerateKeyPair();
        var name = new X509Name("CN=WebAvatar");
        var now = DateTime.UtcNow;
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(BigInteger.ProbablePrime(64, random));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(now.AddDays(-1));
        builder.SetNotAfter(now + (validity ?? TimeSpan.FromDays(365)));
        builder.SetPublicKey(keys.Public);
        var certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), keys.Private);
    }

    /// <summary>This certificate and its key as the ECDSA (SHA-256) credentials one end of a handshake presents.</summary>
    internal Tls.TlsCredentialedSigner Signer(TlsBc.BcTlsCrypto crypto, Tls.TlsContext context) =>
        new TlsBc.BcDefaultTlsCredentialedSigner(
            new Tls.Crypto.TlsCryptoParameters(context),
            crypto,
            PrivateKey,
            new Tls.Certificate(new Tls.Crypto.TlsCertificate[] { crypto.CreateCertificate(Der) }),
            new Tls.SignatureAndHashAlgorithm(Tls.HashAlgorithm.sha256, Tls.SignatureAlgorithm.ecdsa));

    /// <summary>
    /// DTLS-SRTP authenticates each end by the certificate fingerprint its SDP announced (RFC 5763 5): throws the
    /// bad_certificate alert unless <paramref name="chain"/>'s first certificate has <paramref name="expectedFingerprint"/>.
    /// </summary>
    public static void RequireFingerprint(Tls.Certificate? chain, string expectedFingerprint)
    {
        if (chain is null || chain.IsEmpty
            || !FormatFingerprint(SHA256.HashData(chain.GetCertificateAt(0).GetEncoded())).Equals(expectedFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new Tls.TlsFatalAlert(Tls.AlertDescription.bad_certificate);
        }
    }

    public static string FormatFingerprint(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash).Chunk(2).Aggregate(
        new System.Text.StringBuilder(hash.Length * 3),
        (sb, pair) => (sb.Length > 0 ? sb.Append(':') : sb).Append(pair)).ToString();
}
