using WebAvatar.Transport.WebRtc.Rtp;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class PacketizerTests
{
    private sealed class Collector : IRtpPayloadSink
    {
        public List<(byte[] Payload, bool Marker)> Packets { get; } = new();

        public void OnPayload(ReadOnlySpan<byte> payload, bool endOfFrame) => Packets.Add((payload.ToArray(), endOfFrame));
    }

    [Fact]
    public void MultiSliceAccessUnitUsesSingleNalAndFuAWithMarkerOnlyAtTheEnd()
    {
        var sps = new byte[] { 0x67, 0x42, 0xE0, 0x1F, 0xAA };
        var pps = new byte[] { 0x68, 0xCE, 0x3C, 0x80 };
        var slices = Enumerable.Range(0, 4).Select(i => Slice(0x65, 2500 + i * 100, (byte)i)).ToList();
        var accessUnit = Concat(new[] { new byte[] { 0, 0, 0, 1, 0x09, 0xF0 } }.Concat(new[] { sps, pps }.Concat(slices).Select((n, i) => Prefix(n, i % 2 == 0 ? 4 : 3))));
        var sink = new Collector();
        new H264Packetizer(1200).Packetize(accessUnit, sink);

        Assert.All(sink.Packets, p => Assert.True(p.Payload.Length <= 1200));
        Assert.Single(sink.Packets, p => p.Marker);
        Assert.True(sink.Packets[^1].Marker);
        Assert.Equal(sps, sink.Packets[0].Payload);
        Assert.Equal(pps, sink.Packets[1].Payload);

        // Reassemble the FU-A fragments and compare with the original slices.
        var rebuilt = new List<byte[]>();
        List<byte>? current = null;
        foreach (var (payload, _) in sink.Packets.Skip(2))
        {
            Assert.Equal(28, payload[0] & 0x1F);
            bool start = (payload[1] & 0x80) != 0, end = (payload[1] & 0x40) != 0;
            if (start)
            {
                Assert.Null(current);
                current = new List<byte> { (byte)((payload[0] & 0xE0) | (payload[1] & 0x1F)) };
            }

            current!.AddRange(payload.Skip(2));
            if (end)
            {
                rebuilt.Add(current.ToArray());
                current = null;
            }
        }

        Assert.Equal(slices.Count, rebuilt.Count);
        for (int i = 0; i < slices.Count; i++)
        {
            Assert.Equal(slices[i], rebuilt[i]);
        }
    }

    [Fact]
    public void NalOfExactlyMaxPayloadIsSentWhole()
    {
        var sink = new Collector();
        new H264Packetizer(1200).Packetize(Prefix(Slice(0x41, 1200, 1), 4), sink);
        Assert.Single(sink.Packets);
        Assert.True(sink.Packets[0].Marker);
        Assert.Equal(1200, sink.Packets[0].Payload.Length);
    }

    [Fact]
    public void Vp8FramesAreSplitWithStartBitOnFirstPacket()
    {
        var frame = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var sink = new Collector();
        new Vp8Packetizer(1200).Packetize(frame, sink);
        Assert.Equal(3, sink.Packets.Count);
        Assert.Equal(0x10, sink.Packets[0].Payload[0]);
        Assert.All(sink.Packets.Skip(1), p => Assert.Equal(0, p.Payload[0]));
        Assert.Equal(new[] { false, false, true }, sink.Packets.Select(p => p.Marker));
        Assert.Equal(frame, sink.Packets.SelectMany(p => p.Payload.Skip(1)).ToArray());
    }

    [Fact]
    public void HistoryReturnsRecentPacketsOnly()
    {
        var history = new RtpPacketHistory(8);
        var packet = new byte[100];
        RtpHeader.Write(packet, 96, true, 65535, 1, 2);
        history.Record(packet, nowMs: 0);
        var copy = new byte[200];
        Assert.Equal(100, history.TryCopy(65535, 500, 1000, copy));
        Assert.Equal(0, history.TryCopy(65535, 2000, 1000, copy));
        Assert.Equal(0, history.TryCopy(7, 500, 1000, copy));
    }

    private static byte[] Slice(byte header, int length, byte seed)
    {
        var nal = new byte[length];
        nal[0] = header;
        nal[1] = 0x88;
        for (int i = 2; i < length; i++)
        {
            nal[i] = (byte)(seed + i % 251 + 1); // never 0, so no accidental start codes
        }

        return nal;
    }

    private static byte[] Prefix(byte[] nal, int startCode) => (startCode == 4 ? new byte[] { 0, 0, 0, 1 } : new byte[] { 0, 0, 1 }).Concat(nal).ToArray();

    private static byte[] Concat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();
}
