using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Ice;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Testing.Load;

public sealed class WhepLoadOptions
{
    /// <summary>"H264" or "VP8".</summary>
    public string VideoCodec { get; init; } = "H264";

    /// <summary>From the POST to SRTP keys.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consent checks after ICE succeeded (RFC 7675 wants one at least every 5 s on average).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Shared by many clients of one load run; null: the client makes and owns one.</summary>
    public HttpClient? Http { get; init; }

    /// <summary>Shared by many clients of one load run (generating one costs a few ms); null: the client makes one.</summary>
    public DtlsCertificate? Certificate { get; init; }
}

public enum WhepLoadState
{
    Connecting,
    Connected,
    Failed,
    Closed,
}

/// <summary>One video frame as it completed: its RTP timestamp and the <see cref="Stopwatch"/> time of its marker packet.</summary>
public readonly record struct WhepFrameArrival(uint RtpTimestamp, long ArrivalTimestamp);

/// <summary>One Opus packet as it arrived: the <see cref="Stopwatch"/> time and its payload size (speech is far larger than silence).</summary>
public readonly record struct WhepAudioArrival(long ArrivalTimestamp, int PayloadBytes);

/// <summary>A snapshot of what a <see cref="WhepLoadClient"/> has received.</summary>
public readonly record struct WhepLoadCounters(
    long VideoFrames,
    long VideoPackets,
    long VideoPayloadBytes,
    long AudioPackets,
    long AudioPayloadBytes,
    long RtcpPackets,
    long UdpBytes,
    long UnprotectFailures,
    long PacketsBeforeKeys,
    long IgnoredDatagrams,
    long StunResponses);

/// <summary>
/// A WHEP viewer that is not a browser, for capacity measurements: POSTs a recvonly offer, runs ICE as the controlling
/// agent, DTLS as the server (the WebAvatar peer is always the DTLS client), unprotects SRTP and counts video frames,
/// audio packets and bytes without decoding anything. STUN, DTLS and SRTP share one UDP socket (RFC 7983).
/// </summary>
public sealed class WhepLoadClient : IAsyncDisposable
{
    private const int HandshakeTimeoutMs = 10_000;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _peerUri;
    private readonly WhepAnswer _answer;
    private readonly Socket _socket;
    private readonly DtlsCertificate _certificate;
    private readonly TimeSpan _consentInterval;
    private readonly string _localUfrag;
    private readonly byte[] _localPassword;
    private readonly byte[] _remotePassword;
    private readonly ulong _tieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private readonly DtlsDatagramChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _keysReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<UInt128, long> _outstandingChecks = new();
    private readonly List<WhepFrameArrival> _frames = new();
    private readonly List<WhepAudioArrival> _audio = new();
    private readonly byte[] _stunResponse = new byte[StunMessage.MaxResponseLength];
    private Task _receiveLoop = Task.CompletedTask;
    private Task _checkLoop = Task.CompletedTask;
    private SrtpContext? _receiveContext;
    private DtlsTransport? _dtls;
    private int _state = (int)WhepLoadState.Connecting;
    private int _closing;
    private bool _haveMarkedTimestamp;
    private uint _lastMarkedTimestamp;
    private long _videoFrames, _videoPackets, _videoBytes, _audioPackets, _audioBytes, _rtcpPackets, _udpBytes;
    private long _unprotectFailures, _beforeKeys, _ignored, _stunResponses;
    private long _lastResponseTimestamp;

    private WhepLoadClient(HttpClient http, bool ownsHttp, Uri peerUri, WhepAnswer answer, Socket socket, DtlsCertificate certificate, string localUfrag, string localPassword, TimeSpan consentInterval)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        _peerUri = peerUri;
        _answer = answer;
        _socket = socket;
        _certificate = certificate;
        _localUfrag = localUfrag;
        _localPassword = Encoding.ASCII.GetBytes(localPassword);
        _remotePassword = Encoding.ASCII.GetBytes(answer.IcePassword);
        _consentInterval = consentInterval;
        _channel = new DtlsDatagramChannel(SendDatagram);
        _channel.Closed += () => SetFinalState(WhepLoadState.Closed);
    }

    /// <summary>The peer's URL (the POST's Location), which <see cref="CloseAsync"/> DELETEs.</summary>
    public Uri PeerUri => _peerUri;

    public WhepAnswer Answer => _answer;

    public WhepLoadState State => (WhepLoadState)Volatile.Read(ref _state);

    /// <summary>The SRTP profile DTLS agreed on; null before the keys.</summary>
    public SrtpProfile? Profile => Volatile.Read(ref _receiveContext)?.Profile;

    /// <summary><see cref="Stopwatch"/> time of the last STUN response from the server (0: none yet).</summary>
    public long LastResponseTimestamp => Interlocked.Read(ref _lastResponseTimestamp);

    public WhepLoadCounters Counters => new(
        Interlocked.Read(ref _videoFrames),
        Interlocked.Read(ref _videoPackets),
        Interlocked.Read(ref _videoBytes),
        Interlocked.Read(ref _audioPackets),
        Interlocked.Read(ref _audioBytes),
        Interlocked.Read(ref _rtcpPackets),
        Interlocked.Read(ref _udpBytes),
        Interlocked.Read(ref _unprotectFailures),
        Interlocked.Read(ref _beforeKeys),
        Interlocked.Read(ref _ignored),
        Interlocked.Read(ref _stunResponses));

    /// <summary>Every completed video frame so far, oldest first.</summary>
    public IReadOnlyList<WhepFrameArrival> FrameArrivals
    {
        get
        {
            lock (_frames)
            {
                return _frames.ToArray();
            }
        }
    }

    /// <summary>Every Opus packet so far, oldest first.</summary>
    public IReadOnlyList<WhepAudioArrival> AudioArrivals
    {
        get
        {
            lock (_audio)
            {
                return _audio.ToArray();
            }
        }
    }

    public static Task<WhepLoadClient> ConnectAsync(Uri baseAddress, string sessionId, CancellationToken cancellationToken) =>
        ConnectAsync(baseAddress, sessionId, new WhepLoadOptions(), cancellationToken);

    /// <summary>
    /// POSTs the offer to {base}/api/webrtc/{sessionId} and returns once DTLS has produced the SRTP keys.
    /// Throws <see cref="HttpRequestException"/> when the server refuses the offer, <see cref="TimeoutException"/>
    /// when ICE or DTLS do not finish within <see cref="WhepLoadOptions.ConnectTimeout"/>, <see cref="IOException"/> when DTLS fails.
    /// </summary>
    public static async Task<WhepLoadClient> ConnectAsync(Uri baseAddress, string sessionId, WhepLoadOptions options, CancellationToken cancellationToken)
    {
        var http = options.Http ?? new HttpClient();
        bool ownsHttp = options.Http is null;
        var certificate = options.Certificate ?? DtlsCertificate.Generate();
        string ufrag = RandomToken(8);
        string password = RandomToken(24);
        WhepLoadClient? client = null;
        try
        {
            var postUri = new Uri(baseAddress, $"api/webrtc/{Uri.EscapeDataString(sessionId)}");
            using var content = new StringContent(WhepOffer.Build(ufrag, password, certificate.FingerprintSha256, options.VideoCodec), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
            using var response = await http.PostAsync(postUri, content, cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new HttpRequestException($"POST {postUri} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
            }

            var location = response.Headers.Location
                ?? throw new HttpRequestException($"POST {postUri} answered 201 without a Location header.");
            var answer = WhepAnswer.Parse(body);
            var socket = new Socket(answer.Candidate.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(answer.Candidate.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
                socket.Connect(answer.Candidate);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            client = new WhepLoadClient(http, ownsHttp, new Uri(postUri, location), answer, socket, certificate, ufrag, password, options.ConsentInterval);
            client.Start();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await client._keysReady.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No SRTP keys within {options.ConnectTimeout.TotalSeconds:F1} s (ICE responses: {client.Counters.StunResponses}).");
            }

            return client;
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
            else if (ownsHttp)
            {
                http.Dispose();
            }

            throw;
        }
    }

    /// <summary>DELETEs the peer, sends close_notify and releases the socket. Local resources go even when the DELETE fails.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            using var response = await _http.DeleteAsync(_peerUri, cancellationToken);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            {
                throw new HttpRequestException($"DELETE {_peerUri} answered {(int)response.StatusCode}.", null, response.StatusCode);
            }
        }
        finally
        {
            ReleaseLocal();
            await Task.WhenAll(_receiveLoop, _checkLoop).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            Volatile.Read(ref _receiveContext)?.Dispose();
            if (_ownsHttp)
            {
                _http.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await CloseAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException)
        {
            // Disposal must not throw; a server that is gone or slow has dropped the peer or will by consent timeout.
        }
    }

    private void Start()
    {
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(_stop.Token));
        _checkLoop = Task.Run(() => CheckLoopAsync(_stop.Token));
        // BouncyCastle's DTLS is blocking: it gets its own thread, as on the server.
        new Thread(RunDtls) { IsBackground = true, Name = "whep-load-dtls" }.Start();
    }

    private void ReleaseLocal()
    {
        SetFinalState(WhepLoadState.Closed);
        try
        {
            _dtls?.Close();
        }
        catch (Exception e) when (e is TlsException or IOException or ObjectDisposedException)
        {
            // The server may already have closed the association; close_notify is a courtesy.
        }

        _channel.Close();
        _socket.Dispose();
    }

    private void RunDtls()
    {
        try
        {
            var server = new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), _certificate, _answer.FingerprintSha256, HandshakeTimeoutMs);
            var dtls = new DtlsServerProtocol().Accept(server, _channel);
            var (send, receive) = SrtpKeyingMaterial.CreateContexts(server.SelectedProfile!.Value, server.KeyingMaterial, weAreClient: false);
            send.Dispose();
            _dtls = dtls;
            Volatile.Write(ref _receiveContext, receive);
            if (Interlocked.CompareExchange(ref _state, (int)WhepLoadState.Connected, (int)WhepLoadState.Connecting) == (int)WhepLoadState.Connecting)
            {
                _keysReady.TrySetResult();
            }

            // No data channels: reading only keeps alerts (the server's close_notify) flowing.
            var buffer = new byte[dtls.GetReceiveLimit()];
            while (!_stop.IsCancellationRequested && !_channel.IsClosed)
            {
                dtls.Receive(buffer, 0, buffer.Length, 1000);
            }
        }
        catch (Exception e) when (Volatile.Read(ref _closing) == 0)
        {
            SetFinalState(WhepLoadState.Failed);
            _keysReady.TrySetException(new IOException($"DTLS failed: {e.Message}", e));
        }
        catch (Exception)
        {
            // Closing the channel aborts a running handshake or read; nothing more to do.
        }
    }

    private async Task CheckLoopAsync(CancellationToken cancellationToken)
    {
        var request = new byte[256];
        var transactionId = new byte[12];
        string username = $"{_answer.IceUfrag}:{_localUfrag}";
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                RandomNumberGenerator.Fill(transactionId);
                long now = Stopwatch.GetTimestamp();
                _outstandingChecks[TransactionKey(transactionId)] = now;
                foreach (var (key, sent) in _outstandingChecks)
                {
                    if (Stopwatch.GetElapsedTime(sent, now) > TimeSpan.FromSeconds(30))
                    {
                        _outstandingChecks.TryRemove(key, out _);
                    }
                }

                int length = StunMessage.WriteBindingRequest(transactionId, username, _remotePassword, useCandidate: true, request, _tieBreaker);
                SendDatagram(request.AsSpan(0, length));
                // Until the first response, a short interval stands in for ICE retransmissions (RFC 8445 §14.3).
                var interval = LastResponseTimestamp == 0 ? TimeSpan.FromMilliseconds(50) : _consentInterval;
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connected UDP socket reports an earlier ICMP port-unreachable here; later datagrams may still come.
                Interlocked.Increment(ref _ignored);
                continue;
            }

            Interlocked.Add(ref _udpBytes, length);
            Handle(buffer.AsSpan(0, length));
        }
    }

    private void Handle(Span<byte> datagram)
    {
        switch (DatagramClassifier.Classify(datagram))
        {
            case DatagramKind.Stun:
                HandleStun(datagram);
                break;
            case DatagramKind.Dtls:
                _channel.Enqueue(datagram);
                break;
            case DatagramKind.Rtp:
                HandleRtp(datagram);
                break;
            case DatagramKind.Rtcp:
                HandleRtcp(datagram);
                break;
            default:
                Interlocked.Increment(ref _ignored);
                break;
        }
    }

    private void HandleStun(ReadOnlySpan<byte> message)
    {
        if (StunMessage.HasValidHeader(message)
            && _outstandingChecks.TryRemove(TransactionKey(message.Slice(8, 12)), out _)
            && StunMessage.IsBindingSuccessFor(message, message.Slice(8, 12))
            && StunMessage.VerifyIntegrity(message, _remotePassword))
        {
            Interlocked.Increment(ref _stunResponses);
            Interlocked.Exchange(ref _lastResponseTimestamp, Stopwatch.GetTimestamp());
            return;
        }

        // An ICE-lite server never checks, but a full agent would: answer it as RFC 8445 §7.3 asks.
        if (StunMessage.CheckBindingRequest(message, _localUfrag, _localPassword, out _) == StunCheckResult.Valid
            && _socket.RemoteEndPoint is IPEndPoint remote)
        {
            int length = StunMessage.WriteBindingSuccess(message, remote, _localPassword, _stunResponse);
            SendDatagram(_stunResponse.AsSpan(0, length));
            return;
        }

        Interlocked.Increment(ref _ignored);
    }

    private void HandleRtp(Span<byte> packet)
    {
        var context = Volatile.Read(ref _receiveContext);
        if (context is null)
        {
            Interlocked.Increment(ref _beforeKeys);
            return;
        }

        int length = context.UnprotectRtp(packet, packet.Length);
        int header = length < 0 ? -1 : SrtpContext.RtpHeaderLength(packet[..length]);
        if (header < 0)
        {
            Interlocked.Increment(ref _unprotectFailures);
            return;
        }

        var rtp = packet[..length];
        int payloadType = RtpHeader.ReadPayloadType(rtp);
        int payload = length - header;
        if (payloadType == _answer.VideoPayloadType)
        {
            Interlocked.Increment(ref _videoPackets);
            Interlocked.Add(ref _videoBytes, payload);
            uint timestamp = RtpHeader.ReadTimestamp(rtp);
            if (RtpHeader.ReadMarker(rtp) && (!_haveMarkedTimestamp || timestamp != _lastMarkedTimestamp))
            {
                _haveMarkedTimestamp = true;
                _lastMarkedTimestamp = timestamp;
                Interlocked.Increment(ref _videoFrames);
                lock (_frames)
                {
                    _frames.Add(new WhepFrameArrival(timestamp, Stopwatch.GetTimestamp()));
                }
            }
        }
        else if (payloadType == _answer.AudioPayloadType)
        {
            Interlocked.Increment(ref _audioPackets);
            Interlocked.Add(ref _audioBytes, payload);
            lock (_audio)
            {
                _audio.Add(new WhepAudioArrival(Stopwatch.GetTimestamp(), payload));
            }
        }
        else
        {
            Interlocked.Increment(ref _ignored);
        }
    }

    private void HandleRtcp(Span<byte> packet)
    {
        var context = Volatile.Read(ref _receiveContext);
        if (context is null)
        {
            Interlocked.Increment(ref _beforeKeys);
        }
        else if (context.UnprotectRtcp(packet, packet.Length) < 0)
        {
            Interlocked.Increment(ref _unprotectFailures);
        }
        else
        {
            Interlocked.Increment(ref _rtcpPackets);
        }
    }

    private void SendDatagram(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket.Send(datagram);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // UDP is lossy anyway: STUN and DTLS retransmit, and a closed socket means the client is closing.
        }
    }

    private void SetFinalState(WhepLoadState state)
    {
        int current;
        do
        {
            current = Volatile.Read(ref _state);
            if (current is (int)WhepLoadState.Failed or (int)WhepLoadState.Closed)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _state, (int)state, current) != current);

        _keysReady.TrySetException(new IOException($"The WHEP load client is {state} before the SRTP keys."));
    }

    private static UInt128 TransactionKey(ReadOnlySpan<byte> transactionId)
    {
        Span<byte> padded = stackalloc byte[16];
        transactionId.CopyTo(padded);
        return new UInt128(BitConverter.ToUInt64(padded), BitConverter.ToUInt64(padded[8..]));
    }

    private static string RandomToken(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
