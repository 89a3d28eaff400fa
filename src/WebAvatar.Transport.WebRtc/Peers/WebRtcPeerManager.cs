using WebAvatar.Media;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Sdp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>The answer to an accepted offer.</summary>
public sealed record WebRtcPeerAnswer(WebRtcPeer Peer, string AnswerSdp, VideoLayout VideoLayout = VideoLayout.Opaque);

/// <summary>Thrown when the server already serves <see cref="WebRtcOptions.MaxPeers"/> peers.</summary>
public sealed class WebRtcCapacityException(string message) : Exception(message);

/// <summary>
/// Singleton that turns offers into peers, tracks them per session and closes them (DELETE, session end,
/// shutdown). Peers remove themselves when they close for their own reasons (consent, DTLS, media end).
/// Thread-safe.
/// </summary>
public sealed class WebRtcPeerManager : IDisposable
{
    private readonly UdpMediaTransport _transport;
    private readonly DtlsCertificate _certificate;
    private readonly IWebRtcSessionProvider _sessions;
    private readonly WebRtcOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, WebRtcPeer> _peers = new(StringComparer.Ordinal);
    private readonly string _cname = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..8]).ToLowerInvariant();
    private int _disposed;

    public WebRtcPeerManager(
        UdpMediaTransport transport,
        DtlsCertificate certificate,
        IWebRtcSessionProvider sessions,
        IOptions<WebRtcOptions> options,
        ILoggerFactory loggerFactory)
    {
        _transport = transport;
        _certificate = certificate;
        _sessions = sessions;
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<WebRtcPeerManager>();
    }

    public int Count => _peers.Count;

    public IReadOnlyCollection<WebRtcPeer> Peers => _peers.Values.ToList();

    /// <summary>
    /// Parses and negotiates <paramref name="offerSdp"/>, creates the peer and returns it with the answer.
    /// Returns null for an unknown session; throws <see cref="SdpException"/> for a bad offer and
    /// <see cref="WebRtcCapacityException"/> when full. Does not block beyond the session lookup.
    /// </summary>
    public async Task<WebRtcPeerAnswer?> CreatePeerAsync(string sessionId, string offerSdp, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        var negotiation = SdpNegotiation.Negotiate(SdpParser.Parse(offerSdp));
        var binding = await _sessions.FindAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (binding is null)
        {
            return null;
        }

        if (_peers.Count >= _options.MaxPeers)
        {
            throw new WebRtcCapacityException($"This server already serves {_options.MaxPeers} WebRTC peers (WebRtc:MaxPeers); try again later.");
        }

        var peer = new WebRtcPeer(sessionId, negotiation, binding, _transport, _certificate, _options, _loggerFactory.CreateLogger<WebRtcPeer>());
        string answer = SdpAnswerBuilder.Build(negotiation, peer.Describe(_cname));
        var attachment = binding.Attach?.Invoke(peer);
        if (attachment is not null)
        {
            peer.Closed += _ => attachment.Dispose();
        }

        peer.Closed += OnPeerClosed;
        _peers[peer.Id] = peer;
        _transport.Register(peer);
        peer.Start();
        _logger.LogInformation("Peer {Peer} created for session {Session} (video {Codec})", peer.Id, sessionId, peer.VideoCodec);
        return new WebRtcPeerAnswer(peer, answer, binding.VideoLayout);
    }

    public WebRtcPeer? Find(string sessionId, string peerId) =>
        _peers.TryGetValue(peerId, out var peer) && peer.SessionId == sessionId ? peer : null;

    public IReadOnlyList<WebRtcPeer> PeersOf(string sessionId) => _peers.Values.Where(p => p.SessionId == sessionId).ToList();

    /// <summary>Closes one peer; false if it does not exist in that session.</summary>
    public bool ClosePeer(string sessionId, string peerId, string reason = "closed by client")
    {
        var peer = Find(sessionId, peerId);
        peer?.Close(reason);
        return peer is not null;
    }

    /// <summary>Closes every peer of a session (call it when the session ends); returns how many.</summary>
    public int CloseSession(string sessionId, string reason = "session ended")
    {
        var peers = PeersOf(sessionId);
        foreach (var peer in peers)
        {
            peer.Close(reason);
        }

        return peers.Count;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var peer in _peers.Values)
        {
            peer.Close("server shutting down");
        }
    }

    private void OnPeerClosed(WebRtcPeer peer)
    {
        _peers.TryRemove(new KeyValuePair<string, WebRtcPeer>(peer.Id, peer));
        peer.Closed -= OnPeerClosed;
    }
}
