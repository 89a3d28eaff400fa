using System.Diagnostics;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;

namespace WebAvatar.Transport.WebRtc.Peers;

/// <summary>
/// The RTCP half of a peer: receiver reports -> loss and round-trip time, NACK -> retransmission, PLI/FIR -> a
/// rate-limited keyframe request to the session's encoder, and our sender reports on the peer's timer.
/// Feedback arrives on the UDP receive thread; keyframe requests also come from the media loop.
/// </summary>
internal sealed class PeerRtcpFeedback(
    OutboundStream? video,
    OutboundStream? audio,
    MediaCodec? videoCodec,
    IEncodedMediaSource media,
    RtpReceiveStatistics microphoneStatistics,
    int keyFrameRequestIntervalMs) : IRtcpFeedbackHandler
{
    private PeerMediaSender? _sender;
    private long _lastKeyFrameRequestTicks = long.MinValue / 2;
    private double? _rttMs;
    private long _nacks;
    private long _plis;
    private long _firs;
    private long _keyFramesForwarded;

    public double? RoundTripTimeMs => _rttMs;

    public long Nacks => Interlocked.Read(ref _nacks);

    public long Plis => Interlocked.Read(ref _plis);

    public long Firs => Interlocked.Read(ref _firs);

    public long KeyFrameRequestsForwarded => Interlocked.Read(ref _keyFramesForwarded);

    /// <summary>The sender exists once the handshake gave us keys; until then NACKs and reports have nothing to act on.</summary>
    public void AttachSender(PeerMediaSender sender) => _sender = sender;

    void IRtcpFeedbackHandler.OnReportBlock(in RtcpReportBlock block)
    {
        var stream = video?.Ssrc == block.Ssrc ? video : audio?.Ssrc == block.Ssrc ? audio : null;
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
        microphoneStatistics.OnSenderReport(ssrc, ntpTimestamp, Stopwatch.GetTimestamp());

    void IRtcpFeedbackHandler.OnNack(uint mediaSsrc, ushort sequence)
    {
        Interlocked.Increment(ref _nacks);
        _sender?.Retransmit(mediaSsrc, sequence);
    }

    void IRtcpFeedbackHandler.OnKeyFrameRequest(uint mediaSsrc, bool isFir)
    {
        Interlocked.Increment(ref isFir ? ref _firs : ref _plis);
        if (video is not null && mediaSsrc == video.Ssrc)
        {
            RequestKeyFrame();
        }
    }

    /// <summary>Asks the encoder for a keyframe unless one was asked for within the interval (or there is no video).</summary>
    public void RequestKeyFrame()
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastKeyFrameRequestTicks);
        if (now - last < keyFrameRequestIntervalMs || videoCodec is null)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastKeyFrameRequestTicks, now, last) == last)
        {
            Interlocked.Increment(ref _keyFramesForwarded);
            media.RequestKeyFrame(videoCodec.Value);
        }
    }

    /// <summary>Called every second by the peer's housekeeping timer.</summary>
    public void SendSenderReports() => _sender?.SendSenderReports(DateTimeOffset.UtcNow, microphoneStatistics);
}
