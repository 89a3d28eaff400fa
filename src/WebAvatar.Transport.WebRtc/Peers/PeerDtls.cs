using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// The DTLS half of a peer: drives the client handshake on its own thread, exports the SRTP keys, then keeps reading
/// so alerts (close_notify) arrive. Reports the keys through <c>onKeys</c> (false: the peer closed meanwhile) and a
/// failure or a close by the browser through <c>onFailed</c>.
/// </summary>
internal sealed class PeerDtls
{
    private readonly string _peerId;
    private readonly DtlsCertificate _certificate;
    private readonly string _remoteFingerprint;
    private readonly int _handshakeTimeoutMs;
    private readonly Func<SrtpContext, SrtpContext, bool> _onKeys;
    private readonly Action<string> _onFailed;
    private readonly ILogger _logger;
    private readonly DtlsDatagramChannel _channel;
    private DtlsTransport? _dtls;
    private int _closed;

    public PeerDtls(
        string peerId,
        DtlsCertificate certificate,
        string remoteFingerprint,
        int handshakeTimeoutMs,
        Action<ReadOnlySpan<byte>> send,
        Func<SrtpContext, SrtpContext, bool> onKeys,
        Action<string> onFailed,
        ILogger logger)
    {
        _peerId = peerId;
        _certificate = certificate;
        _remoteFingerprint = remoteFingerprint;
        _handshakeTimeoutMs = handshakeTimeoutMs;
        _onKeys = onKeys;
        _onFailed = onFailed;
        _logger = logger;
        _channel = new DtlsDatagramChannel(send);
        _channel.Closed += () => _onFailed("DTLS closed by the browser (close_notify or fatal alert)");
    }

    /// <summary>Starts the handshake; ICE-lite: the browser's first valid check selects the pair, and as DTLS client we speak first.</summary>
    public void Start() => new Thread(Run) { IsBackground = true, Name = $"webrtc-dtls-{_peerId}" }.Start();

    /// <summary>Called on the UDP receive thread with one DTLS record.</summary>
    public void Enqueue(ReadOnlySpan<byte> record) => _channel.Enqueue(record);

    public void Close(bool sendCloseNotify)
    {
        Volatile.Write(ref _closed, 1);
        if (sendCloseNotify)
        {
            try
            {
                _dtls?.Close();
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "Peer {Peer}: close_notify failed", _peerId);
            }
        }

        _channel.Close();
    }

    private void Run()
    {
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            var client = new DtlsSrtpClient(crypto, _certificate, _remoteFingerprint, _handshakeTimeoutMs);
            var dtls = new DtlsClientProtocol().Connect(client, _channel);
            var profile = client.SelectedProfile!.Value;
            var (send, receive) = SrtpKeyingMaterial.CreateContexts(profile, client.KeyingMaterial, weAreClient: true);
            _dtls = dtls;
            if (!_onKeys(send, receive))
            {
                dtls.Close();
                return;
            }

            ReadUntilClosed(dtls);
        }
        catch (Exception e) when (Volatile.Read(ref _closed) == 0)
        {
            _onFailed($"DTLS failed: {e.Message}");
        }
        catch (Exception)
        {
            // Closing the channel aborts a running handshake; nothing more to do.
        }
    }

    private void ReadUntilClosed(DtlsTransport dtls)
    {
        // No data channels: application data is discarded; reading keeps alerts (close_notify) flowing.
        var buffer = new byte[dtls.GetReceiveLimit()];
        while (Volatile.Read(ref _closed) == 0)
        {
            dtls.Receive(buffer, 0, buffer.Length, 1000);
        }
    }
}
