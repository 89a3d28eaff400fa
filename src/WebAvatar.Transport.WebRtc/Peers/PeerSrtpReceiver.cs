using System.Diagnostics;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// The receive half of a peer: unprotects SRTP/SRTCP, hands RTCP to the feedback handler and the microphone's RTP
/// to its <see cref="MicrophoneReceiver"/>, and keeps the receive statistics our sender reports carry about it.
/// Packets that overtake the last DTLS flight wait (a few) until the keys exist. Runs on the UDP receive thread,
/// except for <see cref="SetKeys"/> (DTLS thread) and <see cref="Dispose"/>; one lock orders them.
/// </summary>
internal sealed class PeerSrtpReceiver : IDisposable
{
    private const int MaxBufferedEarlyPackets = 64;
    private readonly object _lock = new();
    private readonly Queue<byte[]> _earlyPackets = new();
    private readonly byte[] _buffer = new byte[2048];
    private readonly IRtcpFeedbackHandler _feedback;
    private MicrophoneReceiver? _microphone;
    private SrtpContext? _srtp;
    private long _lastAuthenticatedTicks = Environment.TickCount64;
    private long _rejected;
    private bool _disposed;

    public PeerSrtpReceiver(MicrophoneReceiver? microphone, RtpReceiveStatistics microphoneStatistics, IRtcpFeedbackHandler feedback)
    {
        _microphone = microphone;
        MicrophoneStatistics = microphoneStatistics;
        _feedback = feedback;
    }

    /// <summary>What we received of the browser's microphone stream, for the report block of our sender reports.</summary>
    public RtpReceiveStatistics MicrophoneStatistics { get; }

    public SrtpProfile? Profile => _srtp?.Profile;

    /// <summary>Packets that failed SRTP/SRTCP authentication or replay checks.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary><see cref="Environment.TickCount64"/> of the last authenticated packet (creation time before the first).</summary>
    public long LastAuthenticatedTicks => Volatile.Read(ref _lastAuthenticatedTicks);

    public long MicrophonePackets => _microphone?.Packets ?? 0;

    public long MicrophoneSamplesDelivered => _microphone?.SamplesDelivered ?? 0;

    public long MicrophoneDecodeErrors => _microphone?.DecodeErrors ?? 0;

    /// <summary>Called on the UDP receive thread with one SRTP or SRTCP datagram.</summary>
    public void Receive(ReadOnlySpan<byte> datagram, DatagramKind kind)
    {
        if (datagram.Length > _buffer.Length)
        {
            return;
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_srtp is null)
            {
                if (_earlyPackets.Count < MaxBufferedEarlyPackets)
                {
                    _earlyPackets.Enqueue(datagram.ToArray());
                }

                return;
            }

            Unprotect(datagram, kind);
        }
    }

    /// <summary>Installs the receive keys from the handshake and processes the packets that came before them.</summary>
    public void SetKeys(SrtpContext receive)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                receive.Dispose();
                return;
            }

            _srtp = receive;
            while (_earlyPackets.TryDequeue(out var early))
            {
                Unprotect(early, DatagramClassifier.Classify(early));
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _srtp?.Dispose();
            _microphone?.Dispose();
            _microphone = null;
            _earlyPackets.Clear();
        }
    }

    private void Unprotect(ReadOnlySpan<byte> datagram, DatagramKind kind)
    {
        var buffer = _buffer.AsSpan();
        datagram.CopyTo(buffer);
        if (kind == DatagramKind.Rtcp)
        {
            int length = _srtp!.UnprotectRtcp(buffer, datagram.Length);
            if (length < 0)
            {
                Interlocked.Increment(ref _rejected);
                return;
            }

            Volatile.Write(ref _lastAuthenticatedTicks, Environment.TickCount64);
            RtcpReader.Read(buffer[..length], _feedback);
            return;
        }

        int rtpLength = _srtp!.UnprotectRtp(buffer, datagram.Length);
        if (rtpLength < 0)
        {
            Interlocked.Increment(ref _rejected);
            return;
        }

        Volatile.Write(ref _lastAuthenticatedTicks, Environment.TickCount64);
        int header = SrtpContext.RtpHeaderLength(buffer[..rtpLength]);
        var microphone = _microphone;
        if (header > 0 && microphone is not null)
        {
            var rtp = buffer[..rtpLength];
            if (RtpHeader.ReadPayloadType(rtp) == microphone.PayloadType)
            {
                MicrophoneStatistics.OnPacket(RtpHeader.ReadSsrc(rtp), RtpHeader.ReadSequence(rtp), RtpHeader.ReadTimestamp(rtp), Stopwatch.GetTimestamp(), Stopwatch.Frequency);
            }

            microphone.Receive(rtp, header);
        }
    }
}
