using System.Diagnostics;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// The send half of a peer: packetises encoded frames, keeps RTP timestamps on the session clock, protects with
/// SRTP and sends; answers NACKs from history and writes sender reports. Every public method takes one lock,
/// so the media loop, the RTCP timer and the receive thread (NACKs) can call it concurrently.
/// </summary>
internal sealed class PeerMediaSender : IRtpPayloadSink, IDisposable
{
    private readonly object _lock = new();
    private readonly SrtpContext _srtp;
    private readonly Action<ReadOnlySpan<byte>> _send;
    private readonly DateTimeOffset _clockOrigin;
    private readonly long _nackHistoryMs;
    private readonly H264Packetizer _h264 = new();
    private readonly Vp8Packetizer _vp8 = new();
    private readonly byte[] _packet = new byte[RtpConstants.MaxPacket + 64];
    private readonly byte[] _rtcp = new byte[256];
    private readonly byte[] _reportBlock = new byte[RtpReceiveStatistics.ReportBlockLength];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private OutboundStream? _current;
    private uint _currentTimestamp;
    private bool _disposed;

    public PeerMediaSender(SrtpContext srtp, Action<ReadOnlySpan<byte>> send, DateTimeOffset clockOrigin, OutboundStream? video, MediaCodec? videoCodec, OutboundStream? audio, int nackHistoryMs)
    {
        _srtp = srtp;
        _send = send;
        _clockOrigin = clockOrigin;
        Video = video;
        VideoCodec = videoCodec;
        Audio = audio;
        _nackHistoryMs = nackHistoryMs;
    }

    public OutboundStream? Video { get; }

    public MediaCodec? VideoCodec { get; }

    public OutboundStream? Audio { get; }

    public long Retransmissions { get; private set; }

    /// <summary>True once a keyframe went out: until then inter frames are useless to the decoder and are skipped.</summary>
    public bool VideoStarted { get; private set; }

    /// <summary>Sends one encoded unit; returns false when it was skipped (wrong codec, or video before the first keyframe).</summary>
    public bool Send(EncodedPacket packet)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            if (packet.Codec == MediaCodec.Opus && Audio is not null)
            {
                _current = Audio;
                _currentTimestamp = Audio.TimestampAt(packet.PtsMicroseconds);
                OnPayload(packet.Data.Span, endOfFrame: false);
                return true;
            }

            if (packet.Codec != VideoCodec || Video is null || (!VideoStarted && !packet.IsKeyFrame))
            {
                return false;
            }

            VideoStarted = true;
            _current = Video;
            _currentTimestamp = Video.TimestampAt(packet.PtsMicroseconds);
            if (packet.Codec == MediaCodec.H264)
            {
                _h264.Packetize(packet.Data.Span, this);
            }
            else
            {
                _vp8.Packetize(packet.Data.Span, this);
            }

            return true;
        }
    }

    /// <summary>Called by the packetisers (under the lock) for each payload of the current frame.</summary>
    public void OnPayload(ReadOnlySpan<byte> payload, bool endOfFrame)
    {
        var stream = _current!;
        RtpHeader.Write(_packet, stream.PayloadType, endOfFrame, stream.Sequence++, _currentTimestamp, stream.Ssrc);
        payload.CopyTo(_packet.AsSpan(RtpHeader.Length));
        int length = RtpHeader.Length + payload.Length;
        stream.History.Record(_packet.AsSpan(0, length), _clock.ElapsedMilliseconds);
        int protectedLength = _srtp.ProtectRtp(_packet, length);
        _send(_packet.AsSpan(0, protectedLength));
        stream.Packets++;
        stream.PayloadOctets += payload.Length;
        stream.Bytes += protectedLength;
    }

    /// <summary>Resends a NACKed packet if it is still in history; returns true if it was sent.</summary>
    public bool Retransmit(uint ssrc, ushort sequence)
    {
        lock (_lock)
        {
            var stream = Video?.Ssrc == ssrc ? Video : Audio?.Ssrc == ssrc ? Audio : null;
            if (_disposed || stream is null)
            {
                return false;
            }

            int length = stream.History.TryCopy(sequence, _clock.ElapsedMilliseconds, _nackHistoryMs, _packet);
            if (length == 0)
            {
                return false;
            }

            int protectedLength = _srtp.ProtectRtp(_packet, length);
            _send(_packet.AsSpan(0, protectedLength));
            Retransmissions++;
            return true;
        }
    }

    /// <summary>
    /// Sends an SR for each stream that has sent something. NTP and RTP times describe the same instant on the
    /// one session clock (NTP = ClockOrigin + position), which is what lets the browser align audio and video.
    /// The first SR carries our report block about the browser's microphone stream (when there is one): its LSR/DLSR
    /// give the browser a round-trip time, which its RTP-to-NTP estimators wait for.
    /// </summary>
    public void SendSenderReports(DateTimeOffset now, RtpReceiveStatistics? received = null)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            long position = (now - _clockOrigin).Ticks / 10;
            ulong ntp = NtpTime.FromDateTime(now);
            int blockLength = received?.WriteReportBlock(_reportBlock, Stopwatch.GetTimestamp(), Stopwatch.Frequency) ?? 0;
            foreach (var stream in new[] { Video, Audio })
            {
                if (stream is null || stream.Packets == 0)
                {
                    continue;
                }

                int length = RtcpWriter.WriteSenderReport(_rtcp, stream.Ssrc, ntp, stream.TimestampAt(position), (uint)stream.Packets, (uint)stream.PayloadOctets, _reportBlock.AsSpan(0, blockLength));
                blockLength = 0;
                int protectedLength = _srtp.ProtectRtcp(_rtcp, length);
                _send(_rtcp.AsSpan(0, protectedLength));
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _srtp.Dispose();
        }
    }
}
