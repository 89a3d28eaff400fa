using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Sdp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// One browser connection. Owns its parts and their lifetimes — <see cref="PeerIce"/> (ICE-lite responder, consent,
/// RFC 7675), <see cref="PeerDtls"/> (client handshake, SRTP keys), <see cref="PeerSrtpReceiver"/> (SRTP in, the
/// microphone), <see cref="PeerRtcpFeedback"/> (RTCP in, sender reports out), <see cref="PeerMediaSender"/> (the media
/// send loop) — and the state machine. Created by <see cref="WebRtcPeerManager"/>; closes itself on consent loss,
/// DTLS close/failure, connect timeout or the end of the media source, and releases everything it owns (threads end,
/// timers stop, subscription disposed). A failure here never reaches other peers.
/// </summary>
public sealed class WebRtcPeer : IUdpMediaEndpoint, IMediaViewer
{
    private const int SubscriptionCapacity = 256;
    private readonly UdpMediaTransport _transport;
    private readonly DtlsCertificate _certificate;
    private readonly WebRtcSessionBinding _binding;
    private readonly SdpNegotiation _negotiation;
    private readonly WebRtcOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Stopwatch _sinceCreated = Stopwatch.StartNew();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OutboundStream? _video;
    private readonly OutboundStream? _audio;
    private readonly PeerIce _ice;
    private readonly PeerDtls _dtls;
    private readonly PeerSrtpReceiver _receiver;
    private readonly PeerRtcpFeedback _feedback;
    private PeerMediaSender? _sender;
    private IEncodedMediaSubscription? _subscription;
    private int _started;
    private int _closed;
    private double? _connectTimeMs;

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
        Id = PeerIce.RandomToken(12);
        _negotiation = negotiation;
        _binding = binding;
        _transport = transport;
        _certificate = certificate;
        _options = options;
        _logger = logger;
        _ice = new PeerIce(Id, transport, logger);

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

        MicrophoneReceiver? microphone = null;
        if (audio is { Receives: true } && binding.Microphone is not null)
        {
            microphone = new MicrophoneReceiver(binding.Microphone, audio.Codec!.PayloadType);
        }

        var microphoneStatistics = new RtpReceiveStatistics(48_000);
        _feedback = new PeerRtcpFeedback(_video, _audio, VideoCodec, binding.Media, microphoneStatistics, options.KeyFrameRequestIntervalMs);
        _receiver = new PeerSrtpReceiver(microphone, microphoneStatistics, _feedback);
        _dtls = new PeerDtls(
            Id,
            certificate,
            negotiation.Offer.FingerprintSha256,
            options.ConnectTimeoutSeconds * 1000,
            _ice.SendToRemote,
            OnHandshakeComplete,
            reason => Close(reason, sendCloseNotify: false),
            logger);
    }

    public string Id { get; }

    public string SessionId { get; }

    public string LocalUfrag => _ice.LocalUfrag;

    internal string LocalPassword => _ice.LocalPassword;

    public WebRtcPeerState State { get; private set; } = WebRtcPeerState.New;

    public string? CloseReason { get; private set; }

    public MediaCodec? VideoCodec => _negotiation.Video?.MediaCodec;

    /// <summary>The browser's selected address (set by the first valid ICE check).</summary>
    internal SocketAddress? RemoteSocketAddress => _ice.Remote;

    /// <summary>Time from the offer to the completed DTLS handshake (ICE + DTLS), once connected.</summary>
    public double? ConnectTimeMs => _connectTimeMs;

    /// <summary>Raised once, on whichever thread closes the peer.</summary>
    public event Action<WebRtcPeer>? Closed;

    string IMediaViewer.Transport => "webrtc";

    /// <summary>Time since the last valid ICE check or authenticated SRTP/SRTCP packet (Chrome sends RTCP about every second).</summary>
    public TimeSpan SinceLastHeard => TimeSpan.FromMilliseconds(Environment.TickCount64 - Math.Max(_ice.LastConsentTicks, _receiver.LastAuthenticatedTicks));

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

    public WebRtcPeerStats GetStats() => PeerStatistics.Snapshot(this, _ice, _receiver, _feedback, _sender, _subscription, _video, _audio);

    bool IUdpMediaEndpoint.HandleStun(ReadOnlySpan<byte> message, SocketAddress source)
    {
        if (_closed != 0 || !_ice.Check(message, source))
        {
            return false;
        }

        bool first = Interlocked.Exchange(ref _started, 1) == 0;
        if (first)
        {
            State = WebRtcPeerState.Connecting;
        }

        _ice.Respond(message, source);
        if (first)
        {
            _dtls.Start();
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
            _dtls.Enqueue(datagram);
            return;
        }

        _receiver.Receive(datagram, kind);
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
        _dtls.Close(sendCloseNotify);
        _sender?.Dispose();
        _receiver.Dispose();
        _cancellation.Dispose();
        Closed?.Invoke(this);
    }

    /// <summary>Runs on the DTLS thread once the keys exist; false when the peer closed meanwhile.</summary>
    private bool OnHandshakeComplete(SrtpContext send, SrtpContext receive)
    {
        if (_closed != 0)
        {
            send.Dispose();
            receive.Dispose();
            return false;
        }

        _sender = new PeerMediaSender(send, _ice.SendToRemote, _binding.Media.ClockOrigin, _video, VideoCodec, _audio, _options.NackHistoryMs);
        _feedback.AttachSender(_sender);
        _receiver.SetKeys(receive);
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
            _feedback.RequestKeyFrame();
        }

        if (_closed != 0)
        {
            // Closed while we were wiring up: Close() may have run before these fields were set.
            _subscription?.Dispose();
            _sender.Dispose();
            return true;
        }

        _connected.TrySetResult();
        Connected?.Invoke(this);
        return true;
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
                        _feedback.RequestKeyFrame();
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
                long silentMs = Environment.TickCount64 - _ice.LastConsentTicks;
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

                _feedback.SendSenderReports();
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

    private static uint RandomSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
}
