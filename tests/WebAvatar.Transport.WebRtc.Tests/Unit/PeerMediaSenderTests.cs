using System.Buffers.Binary;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;
using WebAvatar.Transport.WebRtc.Srtp;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class PeerMediaSenderTests
{
    private readonly List<byte[]> _sent = new();
    private readonly SrtpContext _browser;
    private readonly PeerMediaSender _sender;
    private readonly OutboundStream _video = new(0x1111, 108, 90_000, 256);
    private readonly OutboundStream _audio = new(0x2222, 111, 48_000, 64);
    private readonly DateTimeOffset _origin = DateTimeOffset.UtcNow.AddSeconds(-10);

    public PeerMediaSenderTests()
    {
        var (send, receive) = SrtpTests.Pair(SrtpProfile.Aes128CmHmacSha1_80);
        _browser = receive;
        _sender = new PeerMediaSender(send, d => _sent.Add(d.ToArray()), _origin, _video, MediaCodec.H264, _audio, 1000);
    }

    [Fact]
    public void SkipsVideoUntilAKeyFrameThenStampsAllPacketsOfAFrameAlike()
    {
        var frame = AccessUnit(3000);
        Assert.False(_sender.Send(new EncodedPacket(MediaCodec.H264, frame, 40_000, 40_000, IsKeyFrame: false)));
        Assert.Empty(_sent);
        Assert.True(_sender.Send(new EncodedPacket(MediaCodec.H264, frame, 80_000, 40_000, IsKeyFrame: true)));
        var packets = _sent.Select(Decrypt).ToList();
        Assert.Equal(3, packets.Count);
        Assert.All(packets, p => Assert.Equal(_video.TimestampAt(80_000), RtpHeader.ReadTimestamp(p)));
        Assert.Equal(new[] { false, false, true }, packets.Select(p => RtpHeader.ReadMarker(p)));
        Assert.Equal(unchecked(_video.TimestampBase + 7200u), RtpHeader.ReadTimestamp(packets[0]));
        var seqs = packets.Select(p => RtpHeader.ReadSequence(p)).ToList();
        Assert.Equal(new[] { seqs[0], (ushort)(seqs[0] + 1), (ushort)(seqs[0] + 2) }, seqs);
    }

    [Fact]
    public void OpusAdvancesBy960PerTwentyMilliseconds()
    {
        for (int i = 0; i < 3; i++)
        {
            _sender.Send(new EncodedPacket(MediaCodec.Opus, new byte[] { 0xF8, 1, 2 }, i * 20_000L, 20_000, true));
        }

        var stamps = _sent.Select(Decrypt).Select(p => RtpHeader.ReadTimestamp(p)).ToList();
        Assert.Equal(new[] { _audio.TimestampBase, _audio.TimestampBase + 960, _audio.TimestampBase + 1920 }, stamps);
    }

    [Fact]
    public void NackedPacketIsResentIdenticallyAndUnknownOnesAreIgnored()
    {
        _sender.Send(new EncodedPacket(MediaCodec.H264, AccessUnit(2500), 0, 40_000, IsKeyFrame: true));
        var originalDatagram = _sent[1];
        var original = Decrypt(originalDatagram);
        _sent.Clear();
        Assert.True(_sender.Retransmit(0x1111, RtpHeader.ReadSequence(original)));
        Assert.False(_sender.Retransmit(0x1111, (ushort)(RtpHeader.ReadSequence(original) + 100)));
        Assert.False(_sender.Retransmit(0x9999, RtpHeader.ReadSequence(original)));
        var resent = Assert.Single(_sent);
        // Same SRTP index, same keys: the retransmission is byte-identical to what was lost.
        Assert.Equal(originalDatagram, resent);
        Assert.Equal(1, _sender.Retransmissions);
    }

    [Fact]
    public void SenderReportsMapNtpAndRtpFromTheSameInstantOnTheSessionClock()
    {
        _sender.Send(new EncodedPacket(MediaCodec.H264, AccessUnit(500), 0, 40_000, IsKeyFrame: true));
        _sender.Send(new EncodedPacket(MediaCodec.Opus, new byte[] { 0xF8 }, 0, 20_000, true));
        _sent.Clear();
        var now = _origin.AddSeconds(10);
        _sender.SendSenderReports(now);
        Assert.Equal(2, _sent.Count);
        foreach (var datagram in _sent)
        {
            var buffer = datagram.ToArray();
            int length = _browser.UnprotectRtcp(buffer, buffer.Length);
            Assert.Equal(RtcpWriter.SenderReportLength, length);
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
            var stream = ssrc == _video.Ssrc ? _video : _audio;
            Assert.Equal(NtpTime.FromDateTime(now), BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(8)));
            Assert.Equal(stream.TimestampAt(10_000_000), BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16)));
            Assert.Equal((uint)stream.Packets, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(20)));
        }
    }

    private byte[] Decrypt(byte[] datagram)
    {
        var buffer = datagram.ToArray();
        int length = _browser.UnprotectRtp(buffer, buffer.Length);
        Assert.True(length > 12);
        return buffer[..length];
    }

    private static byte[] AccessUnit(int sliceLength)
    {
        var au = new byte[4 + sliceLength];
        au[3] = 1;
        au[4] = 0x65;
        for (int i = 5; i < au.Length; i++)
        {
            au[i] = (byte)(i % 250 + 1);
        }

        return au;
    }
}
