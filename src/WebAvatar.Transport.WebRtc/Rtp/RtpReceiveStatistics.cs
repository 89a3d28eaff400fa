using System.Buffers.Binary;
using WebAvatar.Transport.WebRtc.Rtcp;

namespace WebAvatar.Transport.WebRtc.Rtp;

/// <summary>
/// What a receiver reports about one incoming RTP stream (RFC 3550 §6.4.1, appendix A.1/A.3/A.8): extended highest
/// sequence, loss, interarrival jitter, and the LSR/DLSR pair that lets the remote sender compute its round-trip time.
/// Without these reports the browser has no RTT, which its RTP-to-NTP estimators need. Thread-safe: the receive thread
/// records packets and sender reports, the RTCP timer writes blocks.
/// </summary>
public sealed class RtpReceiveStatistics(int clockRate)
{
    public const int ReportBlockLength = 24;
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;

    private readonly Lock _lock = new();
    private bool _started;
    private uint _ssrc;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private long _lastTransit;
    private double _jitter;
    private uint _lastSenderReport;
    private long _lastSenderReportArrival;

    public uint Ssrc
    {
        get
        {
            lock (_lock)
            {
                return _ssrc;
            }
        }
    }

    public long PacketsReceived
    {
        get
        {
            lock (_lock)
            {
                return _received;
            }
        }
    }

    /// <summary>Records one RTP packet; <paramref name="arrivalTicks"/> is a <see cref="TimeProvider"/>/Stopwatch timestamp.</summary>
    public void OnPacket(uint ssrc, ushort sequence, uint rtpTimestamp, long arrivalTicks, long ticksPerSecond)
    {
        lock (_lock)
        {
            if (!_started || ssrc != _ssrc)
            {
                Restart(ssrc, sequence);
            }
            else
            {
                ushort delta = unchecked((ushort)(sequence - _maxSequence));
                if (delta != 0 && delta < MaxDropout)
                {
                    if (sequence < _maxSequence)
                    {
                        _cycles += 0x10000;
                    }

                    _maxSequence = sequence;
                }
                else if (delta != 0 && delta <= 0x10000 - MaxMisorder)
                {
                    // A large jump: the sender restarted its sequence; start the statistics over.
                    Restart(ssrc, sequence);
                }
            }

            _received++;
            long arrival = arrivalTicks * clockRate / ticksPerSecond;
            long transit = arrival - rtpTimestamp;
            if (_received > 1)
            {
                double d = Math.Abs(transit - _lastTransit);
                _jitter += (d - _jitter) / 16;
            }

            _lastTransit = transit;
        }
    }

    /// <summary>Records an SR from the sender of this stream: its NTP time (for LSR) and when it arrived.</summary>
    public void OnSenderReport(uint ssrc, ulong ntp, long arrivalTicks)
    {
        lock (_lock)
        {
            if (_started && ssrc == _ssrc)
            {
                _lastSenderReport = NtpTime.Middle32(ntp);
                _lastSenderReportArrival = arrivalTicks;
            }
        }
    }

    /// <summary>Writes one 24-byte report block; returns 0 (nothing written) before the first packet.</summary>
    public int WriteReportBlock(Span<byte> destination, long nowTicks, long ticksPerSecond)
    {
        lock (_lock)
        {
            if (!_started)
            {
                return 0;
            }

            uint extendedMax = _cycles + _maxSequence;
            long expected = extendedMax - _baseSequence + 1;
            long lost = Math.Clamp(expected - _received, -0x800000, 0x7FFFFF);
            long expectedInterval = expected - _expectedPrior;
            long receivedInterval = _received - _receivedPrior;
            _expectedPrior = expected;
            _receivedPrior = _received;
            long lostInterval = expectedInterval - receivedInterval;
            byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
            uint delaySinceLastSr = _lastSenderReport == 0 ? 0 : (uint)Math.Min(uint.MaxValue, (nowTicks - _lastSenderReportArrival) * 65536 / ticksPerSecond);

            BinaryPrimitives.WriteUInt32BigEndian(destination, _ssrc);
            destination[4] = fraction;
            uint cumulative = (uint)(int)lost & 0xFFFFFF;
            destination[5] = (byte)(cumulative >> 16);
            destination[6] = (byte)(cumulative >> 8);
            destination[7] = (byte)cumulative;
            BinaryPrimitives.WriteUInt32BigEndian(destination[8..], extendedMax);
            BinaryPrimitives.WriteUInt32BigEndian(destination[12..], (uint)_jitter);
            BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _lastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(destination[20..], delaySinceLastSr);
            return ReportBlockLength;
        }
    }

    private void Restart(uint ssrc, ushort sequence)
    {
        _started = true;
        _ssrc = ssrc;
        _maxSequence = sequence;
        _baseSequence = sequence;
        _cycles = 0;
        _received = 0;
        _expectedPrior = 0;
        _receivedPrior = 0;
        _jitter = 0;
        _lastSenderReport = 0;
    }
}
