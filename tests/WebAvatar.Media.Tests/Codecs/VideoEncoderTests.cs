using WebAvatar.Media.Codecs.H264;
using WebAvatar.Media.Codecs.Video;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Codecs;

public class VideoEncoderTests
{
    [Fact]
    public async Task H264_is_annexb_with_sps_pps_idr_on_keyframes_and_decodes()
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(MediaCodec.H264, 320, 240, KeyFrameIntervalSeconds: 2));
        var packets = EncodeFrames(encoder, 60, forceAt: -1);

        Assert.Equal(60, packets.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i * 40_000L), packets.Select(p => p.PtsMicroseconds));
        Assert.All(packets, p => Assert.True(p.Data.Span[..4].SequenceEqual(new byte[] { 0, 0, 0, 1 }) || p.Data.Span[..3].SequenceEqual(new byte[] { 0, 0, 1 })));
        var keys = packets.Where(p => p.IsKeyFrame).Select(p => p.PtsMicroseconds / 40_000).ToArray();
        Assert.Equal(new long[] { 0, 50 }, keys); // 2 s interval at 25 fps
        foreach (var packet in packets)
        {
            var types = NalTypes(packet.Data.Span);
            if (packet.IsKeyFrame)
            {
                Assert.Contains(AnnexB.NalSps, types);
                Assert.Contains(AnnexB.NalPps, types);
                Assert.Contains(AnnexB.NalIdr, types);
            }
            else
            {
                Assert.DoesNotContain(AnnexB.NalIdr, types);
                Assert.Contains(AnnexB.NalSlice, types);
            }
        }

        var sps = AnnexB.Find(packets[0].Data.Span, AnnexB.NalSps);
        Assert.Equal(66, sps[1]);                 // baseline profile
        Assert.True((sps[2] & 0x40) != 0, "constraint_set1 (constrained baseline)");

        string file = Path.Combine(Tools.TempDirectory("h264"), "out.h264");
        await File.WriteAllBytesAsync(file, packets.SelectMany(p => p.Data.ToArray()).ToArray());
        var (code, output, error) = await Tools.RunAsync("ffprobe", ["-v", "error", "-count_frames", "-show_entries", "stream=codec_name,width,height,profile,nb_read_frames,has_b_frames", "-of", "default=nw=1", file], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, error);
        Assert.Contains("codec_name=h264", output);
        Assert.Contains("width=320", output);
        Assert.Contains("height=240", output);
        Assert.Contains("profile=Constrained Baseline", output);
        Assert.Contains("nb_read_frames=60", output);
        Assert.Contains("has_b_frames=0", output);
    }

    [Theory]
    [InlineData(MediaCodec.H264)]
    [InlineData(MediaCodec.Vp8)]
    public void Forced_keyframe_lands_on_the_requested_frame(MediaCodec codec)
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(codec, 160, 120, KeyFrameIntervalSeconds: 10));
        var packets = EncodeFrames(encoder, 30, forceAt: 17);
        var keys = packets.Where(p => p.IsKeyFrame).Select(p => p.PtsMicroseconds / 40_000).ToArray();
        Assert.Equal(new long[] { 0, 17 }, keys);
        if (codec == MediaCodec.H264)
        {
            Assert.Contains(AnnexB.NalIdr, NalTypes(packets[17].Data.Span));
        }
    }

    [Fact]
    public async Task Vp8_produces_decodable_keyframes_and_interframes()
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(MediaCodec.Vp8, 320, 240));
        var packets = EncodeFrames(encoder, 25, forceAt: -1);
        Assert.Equal(25, packets.Count);
        var first = packets[0].Data.Span;
        Assert.True(packets[0].IsKeyFrame);
        Assert.Equal(0, first[0] & 1);                                       // key frame bit (0 = key)
        Assert.True(first.Slice(3, 3).SequenceEqual(new byte[] { 0x9D, 0x01, 0x2A }), "VP8 key frame start code");
        Assert.Equal(320, BitConverter.ToUInt16(first.Slice(6, 2)) & 0x3FFF);
        Assert.Equal(240, BitConverter.ToUInt16(first.Slice(8, 2)) & 0x3FFF);
        Assert.All(packets.Skip(1), p => Assert.Equal(1, p.Data.Span[0] & 1));

        string file = Path.Combine(Tools.TempDirectory("vp8"), "out.ivf");
        await File.WriteAllBytesAsync(file, Ivf(packets, 320, 240));
        var (code, output, error) = await Tools.RunAsync("ffprobe", ["-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "default=nw=1", file], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, error);
        Assert.Contains("codec_name=vp8", output);
        Assert.Contains("nb_read_frames=25", output);
    }

    [Fact]
    public void Rejects_wrong_frame_size_and_non_increasing_pts()
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(MediaCodec.H264, 160, 120));
        var output = new List<EncodedPacket>();
        using (var wrong = new VideoFrame(320, 240))
        {
            var ex = Assert.Throws<ArgumentException>(() => encoder.Encode(wrong, 0, false, output));
            Assert.Contains("160x120", ex.Message);
        }

        using var frame = new VideoFrame(160, 120);
        encoder.Encode(frame, 5, false, output);
        Assert.Throws<ArgumentException>(() => encoder.Encode(frame, 5, false, output));
        Assert.Throws<ArgumentException>(() => new VideoEncoder(new VideoEncoderSettings(MediaCodec.H264, 161, 120)));
        Assert.Throws<ArgumentException>(() => new VideoEncoder(new VideoEncoderSettings(MediaCodec.Opus, 160, 120)));
    }

    internal static List<EncodedPacket> EncodeFrames(VideoEncoder encoder, int count, int forceAt)
    {
        var packets = new List<EncodedPacket>();
        for (int i = 0; i < count; i++)
        {
            using var frame = new VideoFrame(encoder.Settings.Width, encoder.Settings.Height);
            TestPattern.FillPicture(frame, i);
            encoder.Encode(frame, i, i == forceAt, packets);
        }

        return packets;
    }

    internal static List<int> NalTypes(ReadOnlySpan<byte> data)
    {
        var nals = new List<(int Offset, int Length)>();
        AnnexB.Split(data, nals);
        var types = new List<int>();
        foreach (var (offset, _) in nals)
        {
            types.Add(AnnexB.NalType(data[offset]));
        }

        return types;
    }

    private static byte[] Ivf(List<EncodedPacket> packets, int width, int height)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("DKIF"u8);
        w.Write((ushort)0);
        w.Write((ushort)32);
        w.Write("VP80"u8);
        w.Write((ushort)width);
        w.Write((ushort)height);
        w.Write(25);
        w.Write(1);
        w.Write(packets.Count);
        w.Write(0);
        foreach (var p in packets)
        {
            w.Write(p.Data.Length);
            w.Write(p.PtsMicroseconds / 40_000);
            w.Write(p.Data.Span);
        }

        w.Flush();
        return stream.ToArray();
    }
}
