using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Ice;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Sdp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// One browser connection: ICE-lite responder and consent (RFC 7675), DTLS client handshake, SRTP both ways,
/// the media send loop, RTCP (SR out; RR/NACK/PLI/FIR in) and the microphone. Created by
/// <see cref="WebRtcPeerManager"/>; closes itself on consent loss, DTLS close/failure, connect timeout or the
/// end of the media source, and releases everything it owns (threads end, timers stop, subscription disposed).
/// A failure here never reaches other peers.
/// </summary>
public sealed class WebRtcPeer : IUdpMediaEndpoint, IRtcpFeedbackHandler, IMediaViewer
{
    private const int MaxBufferedEarlyPackets = 64;
    private const int SubscriptionCapacity = 256;
    private readonly UdpMediaTransport _transport;
    private readonly DtlsCertificate _certificate;
    private readonly WebRtcSessionBinding _binding;
    private readonly SdpNegotiation _negotiation;
    private readonly WebRtcOptions _options;
    private readonly ILogger _logger;
    private readonly byte[] _localPassword;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Stopwatch _sinceCreated = Stopwatch.StartNew();
    private readonly object _receiveLock = new();
    private readonly Queue<byte[]> _earlyPackets = new();
    private readonly byte[] _receiveBuffer = new byte[2048];
    private readonly RtpReceiveStatistics _micStatistics = new(48_000);
    private readonly byte[] _stunResponse = new byte[StunMessage.MaxResponseLength];
    private readonly OutboundStream? _video;
    private readonly OutboundStream? _audio;
    private readonly DtlsDatagramChannel _dtlsChannel;
    private MicrophoneReceiver? _microphone;
    private volatile SocketAddress? _remote;
    private string _remoteText = "";
    private PeerMediaSender? _sender;
    private SrtpContext? _receiveSrtp;
    private DtlsTransport? _dtls;
    private Thread? _dtlsThread;
    private IEncodedMediaSubscription? _subscription;
    private long _lastConsentTicks;
    private long _lastHeardTicks = Environment.TickCount64;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastKeyFrameRequestTicks = long.MinValue / 2;
    private int _started;
    private int _closed;
    private double? _connectTimeMs;
    private double? _rttMs;
    private long _srtpRejected;
    private long _nacks;
    private long _plis;
    private long _firs;
    private long _keyFramesForwarded;

    internal WebRtcPeer(
        string sessionId,
        SdpNegotiation negotiation,
        WebRtcSessionBinding binding,
        UdpMediaTransport transport,
        DtlsCertificate certificate,
        WebRtcOptions options,
        ILogger logger)
    {
        SessionId = sessionId;
        Id = RandomToken(12);
        LocalUfrag = RandomToken(8);
        LocalPassword = RandomToken(24);
        _localPassword = Encoding.ASCII.GetBytes(LocalPassword);
        _negotiation = negotiation;
        _binding = binding;
        _transport = transport;
        _certificate = certificate;
        _options = options;
        _logger = logger;
        _lastConsentTicks = Environment.TickCount64;
        _dtlsChannel = new DtlsDatagramChannel(SendToRemote);
        _dtlsChannel.Closed += () => Close("DTLS closed by the browser (close_notify or fatal alert)", sendCloseNotify: false);

        // Sized from the NACK window at a generous 1000 video / 100 audio packets per second.
        int videoHistory = Math.Max(64, options.NackHistoryMs);
        int audioHistory = Math.Max(16, options.NackHistoryMs / 10);
        var video = negotiation.Video;
        if (video is { Sends: true })
        {
            _video = new OutboundStream(RandomSsrc(), video.Codec!.PayloadType, 90_000, videoHistory);
        }

        var audio = negotiation.Audio;
        if (audio is { Sends: true })
        {
            _audio = new OutboundStream(RandomSsrc(), audio.Codec!.PayloadType, 48_000, audioHistory);
        }

        if (audio is { Receives: true } && binding.Microphone is not null)
        {
            _microphone = new MicrophoneReceiver(binding.Microphone, audio.Codec!.PayloadType);
        }
    }

    public string Id { get; }

    public string SessionId { get; }

    public string LocalUfrag { get; }

    internal string LocalPassword { get; }

    public WebRtcPeerState State { get; private set; } = WebRtcPeerState.New;

    public string? CloseReason { get; private set; }

    public MediaCodec? VideoCodec => _negotiation.Video?.MediaCodec;

    /// <summary>The browser's selected address (set by the first valid ICE check).</summary>
    internal SocketAddress? RemoteSocketAddress => _remote;

    /// <summary>Time from the offer to the completed DTLS handshake (ICE + DTLS), once connected.</summary>
    public double? ConnectTimeMs => _connectTimeMs;

    /// <summary>Raised once, on whichever thread closes the peer.</summary>
    public event Action<WebRtcPeer>? Closed;

    string IMediaViewer.Transport => "webrtc";

    /// <summary>Time since the last valid ICE check or authenticated SRTP/SRTCP packet (Chrome sends RTCP about every second).</summary>
    public TimeSpan SinceLastHeard => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastHeardTicks));

    Task IMediaViewer.Connected => _connected.Task;

    void IMediaViewer.Close(string reason) => Close(reason);

    /// <summary>Raised once when media starts flowing.</summary>
    public event Action<WebRtcPeer>? Connected;

    internal LocalSessionDescription Describe(string cname) => new(
        LocalUfrag,
        LocalPassword,
        _certificate.FingerprintSha256,
        _transport.CandidateEndPoint,
        _video?.Ssrc ?? 0,
        _audio?.Ssrc ?? 0,
        cname,
        "webavatar");

    /// <summary>Starts the housekeeping loop (SR, consent, connect timeout). The transport must already route to us.</summary>
    internal void Start()
    {
        _ = RunHousekeepingAsync(_cancellation.Token);
    }

    public WebRtcPeerStats GetStats()
    {
        var sender = _sender;
        return new WebRtcPeerStats(
            Id,
            SessionId,
            State.ToString(),
            _connectTimeMs,
            _receiveSrtp?.Profile.ToString(),
            _remoteText,
            TrackStats(_video, VideoCodec?.ToString() ?? ""),
            TrackStats(_audio, "Opus"),
            _microphone?.Packets ?? 0,
            _microphone?.SamplesDelivered ?? 0,
            _microphone?.DecodeErrors ?? 0,
            Interlocked.Read(ref _srtpRejected),
            _rttMs,
            Interlocked.Read(ref _nacks),
            sender?.Retransmissions ?? 0,
            Interlocked.Read(ref _plis),
            Interlocked.Read(ref _firs),
            Interlocked.Read(ref _keyFramesForwarded),
            _subscription?.DroppedPackets ?? 0,
            CloseReason);
    }

    bool IUdpMediaEndpoint.HandleStun(ReadOnlySpan<byte> message, SocketAddress source)
    {
        if (_closed != 0)
        {
            return false;
        }

        var result = StunMessage.CheckBindingRequest(message, LocalUfrag, _localPassword, out bool useCandidate);
        if (result != StunCheckResult.Valid)
        {
            _logger.LogDebug("Peer {Peer}: STUN check rejected ({Result})", Id, result);
            return false;
        }

        var endPoint = _transport.ToEndPoint(source);
        Volatile.Write(ref _lastConsentTicks, Environment.TickCount64);
        Volatile.Write(ref _lastHeardTicks, Environment.TickCount64);
        if (_remote is null || (useCandidate && !_remote.Equals(source)))
        {
            var copy = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span.CopyTo(copy.Buffer.Span);
            _remote = copy;
            _remoteText = endPoint.ToString();
        }

        bool first = Interlocked.Exchange(ref _started, 1) == 0;
        if (first)
        {
            State = WebRtcPeerState.Connecting;
        }

        int length = StunMessage.WriteBindingSuccess(message, endPoint, _localPassword, _stunResponse);
        _transport.Send(_stunResponse.AsSpan(0, length), source);
        if (first)
        {
            // ICE-lite: the browser's first valid check selects the pair; as DTLS client we speak first.
            _dtlsThread = new Thread(RunDtls) { IsBackground = true, Name = $"webrtc-dtls-{Id}" };
            _dtlsThread.Start();
        }

        return true;
    }

    void IUdpMediaEndpoint.HandleDatagram(ReadOnlySpan<byte> datagram, DatagramKind kind)
    {
        if (_closed != 0)
        {
            return;
        }

        if (kind == DatagramKind.Dtls)
        {
            _dtlsChannel.Enqueue(datagram);
            return;
        }

        if (datagram.Length > _receiveBuffer.Length)
        {
            return;
        }

        lock (_receiveLock)
        {
            if (_closed != 0)
            {
                return;
            }

            if (_receiveSrtp is null)
            {
                // SRTP can overtake the last DTLS flight; keep a few packets until the keys exist.
                if (_earlyPackets.Count < MaxBufferedEarlyPackets)
                {
                    _earlyPackets.Enqueue(datagram.ToArray());
                }

                return;
            }

            ProcessSrtp(datagram, kind);
        }
    }

    void IRtcpFeedbackHandler.OnReportBlock(in RtcpReportBlock block)
    {
        var stream = _video?.Ssrc == block.Ssrc ? _video : _audio?.Ssrc == block.Ssrc ? _audio : null;
        if (stream is null)
        {
            return;
        }

        stream.LastReport = block;
        if (block.LastSenderReport != 0)
        {
            uint now = NtpTime.Middle32(NtpTime.FromDateTime(DateTimeOffset.UtcNow));
            uint rtt = unchecked(now - block.LastSenderReport - block.DelaySinceLastSenderReport);
            if (rtt < 65536 * 10)
            {
                _rttMs = rtt * 1000.0 / 65536;
            }
        }
    }

    void IRtcpFeedbackHandler.OnSenderReport(uint ssrc, ulong ntpTimestamp) =>
        _micStatistics.OnSenderReport(ssrc, ntpTimestamp, Stopwatch.GetTimestamp());

    void IRtcpFeedbackHandler.OnNack(uint mediaSsrc, ushort sequence)
    {
        Interlocked.Increment(ref _nacks);
        _sender?.Retransmit(mediaSsrc, sequence);
    }

    void IRtcpFeedbackHandler.OnKeyFrameRequest(uint mediaSsrc, bool isFir)
    {
        Interlocked.Increment(ref isFir ? ref _firs : ref _plis);
        if (_video is not null && mediaSsrc == _video.Ssrc)
        {
            RequestKeyFrame();
        }
    }

    /// <summary>Closes the peer (idempotent): stops media, sends close_notify if asked, releases everything.</summary>
    public void Close(string reason, bool sendCloseNotify = true)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        CloseReason = reason;
        State = WebRtcPeerState.Closed;
        _logger.LogInformation("Peer {Peer} of session {Session} closed: {Reason}", Id, SessionId, reason);
        _cancellation.Cancel();
        _transport.Unregister(this);
        _subscription?.Dispose();
        if (sendCloseNotify)
        {
            try
            {
                _dtls?.Close();
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "Peer {Peer}: close_notify failed", Id);
            }
        }

        _dtlsChannel.Close();
        _sender?.Dispose();
        lock (_receiveLock)
        {
            _receiveSrtp?.Dispose();
            _microphone?.Dispose();
            _microphone = null;
            _earlyPackets.Clear();
        }

        _cancellation.Dispose();
        Closed?.Invoke(this);
    }

    private void RunDtls()
    {
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            var client = new DtlsSrtpClient(crypto, _certificate, _negotiation.Offer.FingerprintSha256, _options.ConnectTimeoutSeconds * 1000);
            var dtls = new DtlsClientProtocol().Connect(client, _dtlsChannel);
            var profile = client.SelectedProfile!.Value;
            var (send, receive) = SrtpKeyingMaterial.CreateContexts(profile, client.KeyingMaterial, weAreClient: true);
            OnHandshakeComplete(dtls, send, receive);
            ReadUntilClosed(dtls);
        }
        catch (Exception e) when (_closed == 0)
        {
            Close($"DTLS failed: {e.Message}", sendCloseNotify: false);
        }
        catch (Exception)
        {
            // Closing the channel aborts a running handshake; nothing more to do.
        }
    }

    private void OnHandshakeComplete(DtlsTransport dtls, SrtpContext send, SrtpContext receive)
    {
        if (_closed != 0)
        {
            send.Dispose();
            receive.Dispose();
            dtls.Close();
            return;
        }

        _dtls = dtls;
        _sender = new PeerMediaSender(send, SendToRemote, _binding.Media.ClockOrigin, _video, VideoCodec, _audio, _options.NackHistoryMs);
        lock (_receiveLock)
        {
            _receiveSrtp = receive;
            while (_earlyPackets.TryDequeue(out var early))
            {
                ProcessSrtp(early, DatagramClassifier.Classify(early));
            }
        }

        _connectTimeMs = _sinceCreated.Elapsed.TotalMilliseconds;
        State = WebRtcPeerState.Connected;
        _logger.LogInformation("Peer {Peer} of session {Session} connected in {Ms:F0} ms ({Profile}, video {Codec})", Id, SessionId, _connectTimeMs, receive.Profile, VideoCodec);
        var codecs = new List<MediaCodec>();
        if (_video is not null)
        {
            codecs.Add(VideoCodec!.Value);
        }

        if (_audio is not null)
        {
            codecs.Add(MediaCodec.Opus);
        }

        if (codecs.Count > 0)
        {
            _subscription = _binding.Media.Subscribe(codecs, SubscriptionCapacity, inlineReader: true);
            _ = RunMediaAsync(_subscription.Packets, _cancellation.Token);
            RequestKeyFrame();
        }

        if (_closed != 0)
        {
            // Closed while we were wiring up: Close() may have run before these fields were set.
            _subscription?.Dispose();
            _sender.Dispose();
            return;
        }

        _connected.TrySetResult();
        Connected?.Invoke(this);
    }

    private void ReadUntilClosed(DtlsTransport dtls)
    {
        // No data channels: application data is discarded; reading keeps alerts (close_notify) flowing.
        var buffer = new byte[dtls.GetReceiveLimit()];
        while (_closed == 0)
        {
            dtls.Receive(buffer, 0, buffer.Length, 1000);
        }
    }

    private async Task RunMediaAsync(ChannelReader<EncodedPacket> packets, CancellationToken cancellationToken)
    {
        try
        {
            while (await packets.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (packets.TryRead(out var packet))
                {
                    if (!_sender!.Send(packet) && packet.Codec == VideoCodec)
                    {
                        RequestKeyFrame();
                    }
                }
            }

            CloseOffMediaThread("media source ended");
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            CloseOffMediaThread($"media send failed: {e.Message}");
        }
    }

    /// <summary>The send loop runs inline on the session's encoding thread (see Subscribe): closing must not hold it up.</summary>
    private void CloseOffMediaThread(string reason) => ThreadPool.QueueUserWorkItem(_ => Close(reason));

    private async Task RunHousekeepingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long silentMs = Environment.TickCount64 - Volatile.Read(ref _lastConsentTicks);
                if (silentMs > _options.ConsentTimeoutSeconds * 1000L)
                {
                    Close($"consent expired: no ICE check for {silentMs / 1000} s", sendCloseNotify: false);
                    return;
                }

                if (State != WebRtcPeerState.Connected && _sinceCreated.Elapsed.TotalSeconds > _options.ConnectTimeoutSeconds)
                {
                    Close($"not connected within {_options.ConnectTimeoutSeconds} s (ICE/DTLS did not complete)", sendCloseNotify: false);
                    return;
                }

                _sender?.SendSenderReports(DateTimeOffset.UtcNow, _micStatistics);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            Close($"housekeeping failed: {e.Message}");
        }
    }

    private void ProcessSrtp(ReadOnlySpan<byte> datagram, DatagramKind kind)
    {
        var buffer = _receiveBuffer.AsSpan();
        datagram.CopyTo(buffer);
        if (kind == DatagramKind.Rtcp)
        {
            int length = _receiveSrtp!.UnprotectRtcp(buffer, datagram.Length);
            if (length < 0)
            {
                Interlocked.Increment(ref _srtpRejected);
                return;
            }

            Volatile.Write(ref _lastHeardTicks, Environment.TickCount64);
            RtcpReader.Read(buffer[..length], this);
            return;
        }

        int rtpLength = _receiveSrtp!.UnprotectRtp(buffer, datagram.Length);
        if (rtpLength < 0)
        {
            Interlocked.Increment(ref _srtpRejected);
            return;
        }

        Volatile.Write(ref _lastHeardTicks, Environment.TickCount64);
        int header = SrtpContext.RtpHeaderLength(buffer[..rtpLength]);
        var microphone = _microphone;
        if (header > 0 && microphone is not null)
        {
            var rtp = buffer[..rtpLength];
            if (RtpHeader.ReadPayloadType(rtp) == microphone.PayloadType)
            {
                _micStatistics.OnPacket(RtpHeader.ReadSsrc(rtp), RtpHeader.ReadSequence(rtp), RtpHeader.ReadTimestamp(rtp), Stopwatch.GetTimestamp(), Stopwatch.Frequency);
            }

            microphone.Receive(rtp, header);
        }
    }

    private void RequestKeyFrame()
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastKeyFrameRequestTicks);
        if (now - last < _options.KeyFrameRequestIntervalMs || VideoCodec is null)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastKeyFrameRequestTicks, now, last) == last)
        {
            Interlocked.Increment(ref _keyFramesForwarded);
            _binding.Media.RequestKeyFrame(VideoCodec.Value);
        }
    }

    private void SendToRemote(ReadOnlySpan<byte> datagram)
    {
        var remote = _remote;
        if (remote is not null)
        {
            _transport.Send(datagram, remote);
        }
    }

    private static WebRtcTrackStats? TrackStats(OutboundStream? stream, string codec)
    {
        if (stream is null)
        {
            return null;
        }

        var report = stream.LastReport;
        return new WebRtcTrackStats(codec, stream.Ssrc, stream.Packets, stream.Bytes, (report?.FractionLost ?? 0) / 256.0, report?.CumulativeLost ?? 0, report?.Jitter ?? 0);
    }

    private static uint RandomSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    private static string RandomToken(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
