using System.Buffers.Binary;
using WebAvatar.Transport.WebRtc.Rtcp;
using WebAvatar.Transport.WebRtc.Rtp;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class RtpReceiveStatisticsTests
{
    private const long Hz = 1_000_000; // ticks per second used by these tests: microseconds

    [Fact]
    public void NoBlockBeforeTheFirstPacket()
    {
        var stats = new RtpReceiveStatistics(48_000);
        Assert.Equal(0, stats.WriteReportBlock(new byte[24], 0, Hz));
    }

    [Fact]
    public void ReportsLossAcrossTheSequenceWrapAndFractionPerInterval()
    {
        var stats = new RtpReceiveStatistics(48_000);
        // 65530..65535, 0..9 with 2 and 5 missing: 16 expected, 14 received.
        int n = 0;
        for (int i = 0; i < 16; i++)
        {
            ushort seq = unchecked((ushort)(65530 + i));
            if (seq is 2 or 5)
            {
                continue;
            }

            stats.OnPacket(0xAABB, seq, (uint)(i * 960), i * 20_000L, Hz);
            n++;
        }

        var block = Read(stats, nowUs: 400_000);
        Assert.Equal(0xAABBu, block.Ssrc);
        Assert.Equal(2, block.CumulativeLost);
        Assert.Equal(0x10000u + 9, block.HighestSequence);
        Assert.Equal((byte)(2 * 256 / 16), block.FractionLost);
        Assert.Equal(0u, block.Jitter); // packets arrived exactly on their timestamps

        // Next interval: nothing lost.
        for (int i = 16; i < 26; i++)
        {
            stats.OnPacket(0xAABB, (ushort)(i - 6), (uint)(i * 960), i * 20_000L, Hz);
        }

        block = Read(stats, nowUs: 600_000);
        Assert.Equal(0, block.FractionLost);
        Assert.Equal(2, block.CumulativeLost);
    }

    [Fact]
    public void JitterFollowsRfc3550()
    {
        var stats = new RtpReceiveStatistics(48_000);
        // Every second packet arrives 10 ms late: |D| = 480 units each time after the first.
        for (int i = 0; i < 200; i++)
        {
            long arrival = i * 20_000L + (i % 2 == 1 ? 10_000 : 0);
            stats.OnPacket(1, (ushort)i, (uint)(i * 960), arrival, Hz);
        }

        var block = Read(stats, nowUs: 5_000_000);
        Assert.InRange(block.Jitter, 470u, 480u);
    }

    [Fact]
    public void EchoesTheLastSenderReportWithTheDelaySinceIt()
    {
        var stats = new RtpReceiveStatistics(48_000);
        stats.OnPacket(7, 100, 0, 0, Hz);
        ulong ntp = 0x0102030405060708;
        stats.OnSenderReport(7, ntp, arrivalTicks: 1_000_000);
        stats.OnSenderReport(8, 0xFFFF_FFFF_FFFF_FFFF, arrivalTicks: 1_000_000); // another stream: ignored
        var block = Read(stats, nowUs: 1_500_000);
        Assert.Equal(NtpTime.Middle32(ntp), block.LastSenderReport);
        Assert.Equal(65536u / 2, block.DelaySinceLastSenderReport);
    }

    [Fact]
    public void SenderReportCarriesTheBlockAndTheReaderReportsBoth()
    {
        var stats = new RtpReceiveStatistics(48_000);
        stats.OnPacket(0x1234, 1, 0, 0, Hz);
        var block = new byte[24];
        Assert.Equal(24, stats.WriteReportBlock(block, 0, Hz));
        var packet = new byte[64];
        int length = RtcpWriter.WriteSenderReport(packet, 0x9999, 0x1122334455667788, 42, 1, 2, block);
        Assert.Equal(52, length);
        Assert.Equal(0x81, packet[0]);
        Assert.Equal(12, BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)));

        var recorder = new Recorder();
        Assert.True(RtcpReader.Read(packet.AsSpan(0, length), recorder));
        Assert.Equal((0x9999u, 0x1122334455667788UL), Assert.Single(recorder.SenderReports));
        Assert.Equal(0x1234u, Assert.Single(recorder.Blocks).Ssrc);
    }

    private static RtcpReportBlock Read(RtpReceiveStatistics stats, long nowUs)
    {
        var block = new byte[24];
        Assert.Equal(24, stats.WriteReportBlock(block, nowUs, Hz));
        var packet = new byte[52];
        int length = RtcpWriter.WriteSenderReport(packet, 1, 0, 0, 0, 0, block);
        var recorder = new Recorder();
        Assert.True(RtcpReader.Read(packet.AsSpan(0, length), recorder));
        return Assert.Single(recorder.Blocks);
    }

    private sealed class Recorder : IRtcpFeedbackHandler
    {
        public List<RtcpReportBlock> Blocks { get; } = new();

        public List<(uint, ulong)> SenderReports { get; } = new();

        public void OnReportBlock(in RtcpReportBlock block) => Blocks.Add(block);

        public void OnSenderReport(uint ssrc, ulong ntpTimestamp) => SenderReports.Add((ssrc, ntpTimestamp));

        public void OnNack(uint mediaSsrc, ushort sequence)
        {
        }

        public void OnKeyFrameRequest(uint mediaSsrc, bool isFir)
        {
        }
    }
}
