using System.Buffers.Binary;
using WebAvatar.Transport.WebRtc.Rtcp;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class RtcpTests
{
    private sealed class Recorder : IRtcpFeedbackHandler
    {
        public List<RtcpReportBlock> Blocks { get; } = new();

        public List<(uint, ushort)> Nacks { get; } = new();

        public List<(uint, bool)> KeyFrames { get; } = new();

        public void OnReportBlock(in RtcpReportBlock block) => Blocks.Add(block);

        public void OnNack(uint mediaSsrc, ushort sequence) => Nacks.Add((mediaSsrc, sequence));

        public void OnKeyFrameRequest(uint mediaSsrc, bool isFir) => KeyFrames.Add((mediaSsrc, isFir));
    }

    [Fact]
    public void ReadsReceiverReportNackPliAndFirFromACompoundPacket()
    {
        var buffer = new byte[200];
        int o = 0;
        // RR with one block: ssrc 0x1111, 25% lost, cumulative 3, jitter 90, LSR/DLSR.
        buffer[o] = 0x81; buffer[o + 1] = 201; BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(o + 2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(o + 4), 0x9999);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(o + 8), 0x1111);
        buffer[o + 12] = 64; buffer[o + 15] = 3;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(o + 20), 90);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(o + 24), 0xABCD0000);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(o + 28), 0x00010000);
        o += 32;
        o += RtcpWriter.WriteNack(buffer.AsSpan(o), 0x9999, 0x1111, 100, 0b101);
        o += RtcpWriter.WritePli(buffer.AsSpan(o), 0x9999, 0x1111);
        // FIR: header, sender ssrc, media ssrc 0, FCI (ssrc, seq, reserved).
        buffer[o] = 0x84; buffer[o + 1] = 206; BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(o + 2), 4);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(o + 12), 0x1111);
        o += 20;

        var recorder = new Recorder();
        Assert.True(RtcpReader.Read(buffer.AsSpan(0, o), recorder));
        var block = Assert.Single(recorder.Blocks);
        Assert.Equal((0x1111u, (byte)64, 3, 90u, 0xABCD0000u, 0x10000u), (block.Ssrc, block.FractionLost, block.CumulativeLost, block.Jitter, block.LastSenderReport, block.DelaySinceLastSenderReport));
        Assert.Equal(new[] { (0x1111u, (ushort)100), (0x1111u, (ushort)101), (0x1111u, (ushort)103) }, recorder.Nacks);
        Assert.Equal(new[] { (0x1111u, false), (0x1111u, true) }, recorder.KeyFrames);
    }

    [Fact]
    public void SenderReportLayout()
    {
        var buffer = new byte[28];
        RtcpWriter.WriteSenderReport(buffer, 0x01020304, 0x1122334455667788, 0x99AABBCC, 5, 500);
        Assert.Equal(0x80, buffer[0]);
        Assert.Equal(200, buffer[1]);
        Assert.Equal(6, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)));
        Assert.Equal(0x1122334455667788UL, BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(8)));
        Assert.Equal(0x99AABBCCu, BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(16)));
    }

    [Fact]
    public void NtpTimeOfKnownInstant()
    {
        // 1970-01-01 is 2208988800 s after the NTP epoch.
        Assert.Equal(2208988800UL << 32, NtpTime.FromDateTime(DateTimeOffset.UnixEpoch));
        Assert.Equal((2208988800UL << 32) | 0x80000000UL, NtpTime.FromDateTime(DateTimeOffset.UnixEpoch.AddMilliseconds(500)));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        var random = new Random(5);
        var recorder = new Recorder();
        var buffer = new byte[300];
        for (int i = 0; i < 5000; i++)
        {
            int n = random.Next(0, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, n));
            if (n > 0)
            {
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
            }

            RtcpReader.Read(buffer.AsSpan(0, n), recorder);
        }
    }
}
