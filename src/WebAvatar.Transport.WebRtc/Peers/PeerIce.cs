using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using WebAvatar.Transport.WebRtc.Ice;
using WebAvatar.Transport.WebRtc.Net;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// The ICE-lite half of a peer: our credentials, checking the browser's STUN binding requests, consent freshness
/// (RFC 7675) and the selected remote address every other packet goes to. Checks run on the transport's receive thread.
/// </summary>
internal sealed class PeerIce
{
    private readonly string _peerId;
    private readonly UdpMediaTransport _transport;
    private readonly ILogger _logger;
    private readonly byte[] _localPassword;
    private readonly byte[] _stunResponse = new byte[StunMessage.MaxResponseLength];
    private volatile SocketAddress? _remote;
    private long _lastConsentTicks = Environment.TickCount64;

    public PeerIce(string peerId, UdpMediaTransport transport, ILogger logger)
    {
        _peerId = peerId;
        _transport = transport;
        _logger = logger;
        LocalUfrag = RandomToken(8);
        LocalPassword = RandomToken(24);
        _localPassword = Encoding.ASCII.GetBytes(LocalPassword);
    }

    public string LocalUfrag { get; }

    public string LocalPassword { get; }

    /// <summary>The browser's selected address (set by the first valid check, moved by a USE-CANDIDATE from elsewhere).</summary>
    public SocketAddress? Remote => _remote;

    public string RemoteText { get; private set; } = "";

    /// <summary><see cref="Environment.TickCount64"/> of the last valid check (creation time before the first).</summary>
    public long LastConsentTicks => Volatile.Read(ref _lastConsentTicks);

    /// <summary>Validates a binding request; a valid one refreshes consent and may select <paramref name="source"/> as the remote.</summary>
    public bool Check(ReadOnlySpan<byte> message, SocketAddress source)
    {
        var result = StunMessage.CheckBindingRequest(message, LocalUfrag, _localPassword, out bool useCandidate);
        if (result != StunCheckResult.Valid)
        {
            _logger.LogDebug("Peer {Peer}: STUN check rejected ({Result})", _peerId, result);
            return false;
        }

        Volatile.Write(ref _lastConsentTicks, Environment.TickCount64);
        if (_remote is null || (useCandidate && !_remote.Equals(source)))
        {
            var copy = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span.CopyTo(copy.Buffer.Span);
            _remote = copy;
            RemoteText = _transport.ToEndPoint(source).ToString();
        }

        return true;
    }

    /// <summary>Answers a request that passed <see cref="Check"/>.</summary>
    public void Respond(ReadOnlySpan<byte> message, SocketAddress source)
    {
        int length = StunMessage.WriteBindingSuccess(message, _transport.ToEndPoint(source), _localPassword, _stunResponse);
        _transport.Send(_stunResponse.AsSpan(0, length), source);
    }

    /// <summary>Sends to the selected remote; dropped while there is none.</summary>
    public void SendToRemote(ReadOnlySpan<byte> datagram)
    {
        var remote = _remote;
        if (remote is not null)
        {
            _transport.Send(datagram, remote);
        }
    }

    internal static string RandomToken(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
