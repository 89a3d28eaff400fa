using System.Buffers.Binary;
using WebAvatar.Media.Codecs.Aac;
using WebAvatar.Media.Codecs.H264;
using WebAvatar.Media.Codecs.Video;
using WebAvatar.Media.Flv;
using WebAvatar.Media.Tests.Codecs;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Flv;

public class FlvMuxerTests
{
    [Fact]
    public async Task Writes_header_metadata_sequence_headers_and_timed_tags()
    {
        var (flv, video, audio) = await MuxAsync(frames: 50, startIndex: 100);
        var tags = ParseTags(flv);

        Assert.True(flv.AsSpan(0, 3).SequenceEqual("FLV"u8));
        Assert.Equal(1, flv[3]);
        Assert.Equal(5, flv[4]); // audio + video
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32BigEndian(flv.AsSpan(5)));

        Assert.Equal(FlvMuxer.TagScript, tags[0].Type);
        Assert.True(tags[0].Data.AsSpan(3, 10).SequenceEqual("onMetaData"u8));

        // AVC sequence header: AVCDecoderConfigurationRecord from the first keyframe's SPS/PPS.
        var seq = tags[1];
        Assert.Equal(FlvMuxer.TagVideo, seq.Type);
        Assert.Equal(0u, seq.Timestamp);
        Assert.Equal(0x17, seq.Data[0]);
        Assert.Equal(0, seq.Data[1]);
        var record = seq.Data.AsSpan(5);
        var sps = AnnexB.Find(video[0].Data.Span, AnnexB.NalSps);
        Assert.Equal(1, record[0]);
        Assert.Equal(sps[1], record[1]);
        Assert.Equal(0xFF, record[4]);
        Assert.Equal(0xE1, record[5]);
        Assert.Equal(sps.Length, BinaryPrimitives.ReadUInt16BigEndian(record[6..]));

        var videoTags = tags.Where(t => t.Type == FlvMuxer.TagVideo && t.Data[1] == 1).ToList();
        Assert.Equal(50, videoTags.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (uint)(i * 40)), videoTags.Select(t => t.Timestamp));
        Assert.Equal(0x17, videoTags[0].Data[0]);
        Assert.All(videoTags.Skip(1), t => Assert.Equal(0x27, t.Data[0]));
        Assert.All(videoTags, t => Assert.Equal(0, t.Data[2] | t.Data[3] | t.Data[4])); // composition time 0
        foreach (var tag in videoTags)
        {
            // AVCC: length-prefixed NAL units covering the whole body, no parameter sets.
            var body = tag.Data.AsSpan(5);
            int pos = 0;
            while (pos < body.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(body[pos..]);
                Assert.InRange(length, 1, body.Length - pos - 4);
                Assert.NotEqual(AnnexB.NalSps, AnnexB.NalType(body[pos + 4]));
                pos += 4 + length;
            }

            Assert.Equal(body.Length, pos);
        }

        var audioTags = tags.Where(t => t.Type == FlvMuxer.TagAudio).ToList();
        Assert.Equal(new byte[] { 0xAE, 0, 0x11, 0x88 }, audioTags[0].Data);
        Assert.All(audioTags.Skip(1), t => Assert.Equal(new byte[] { 0xAE, 1 }, t.Data.Take(2)));
        // Audio older than the first keyframe is skipped; the rest keeps its exact offset from the video start.
        long basePts = video[0].PtsMicroseconds;
        var kept = audio.Where(a => a.PtsMicroseconds >= basePts).ToList();
        Assert.Equal(kept.Count, audioTags.Count - 1);
        Assert.Equal(kept.Select(a => (uint)((a.PtsMicroseconds - basePts) / 1000)), audioTags.Skip(1).Select(t => t.Timestamp));
        Assert.All(tags, t => Assert.Equal(t.PreviousTagSize, 11 + t.Data.Length));
    }

    [Fact]
    public async Task Ffprobe_reads_h264_and_aac_from_the_muxed_file()
    {
        var (flv, _, _) = await MuxAsync(frames: 50, startIndex: 0);
        string file = Path.Combine(Tools.TempDirectory("flv"), "out.flv");
        await File.WriteAllBytesAsync(file, flv);
        var (code, output, error) = await Tools.RunAsync("ffprobe", ["-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames,avg_frame_rate", "-of", "csv=p=0", file], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, error);
        Assert.Contains("h264,25/1,50", output);
        Assert.Contains("aac,", output);
    }

    [Fact]
    public async Task Waits_for_a_keyframe_and_rejects_other_codecs()
    {
        using var stream = new MemoryStream();
        var muxer = new FlvMuxer(stream, new FlvStreamInfo(160, 120, 25, 500, HasAudio: true));
        Assert.False(await muxer.WriteAsync(new EncodedPacket(MediaCodec.Aac, new byte[] { 1, 2 }, 0, 21_333, true), default));
        Assert.False(await muxer.WriteAsync(new EncodedPacket(MediaCodec.H264, new byte[] { 0, 0, 0, 1, 0x41, 0x9A }, 0, 40_000, false), default));
        Assert.Equal(0, stream.Length);
        await Assert.ThrowsAsync<ArgumentException>(async () => await muxer.WriteAsync(new EncodedPacket(MediaCodec.Opus, new byte[] { 1 }, 0, 20_000, true), default));
    }

    internal static async Task<(byte[] Flv, List<EncodedPacket> Video, List<EncodedPacket> Audio)> MuxAsync(int frames, long startIndex)
    {
        using var encoder = new VideoEncoder(new VideoEncoderSettings(MediaCodec.H264, 160, 120));
        using var aac = new AacEncoder(firstSampleIndex: startIndex * 1920);
        var video = new List<EncodedPacket>();
        var audio = new List<EncodedPacket>();
        var pcm = new short[1920];
        for (long i = startIndex; i < startIndex + frames; i++)
        {
            using var frame = new VideoFrame(160, 120);
            TestPattern.FillPicture(frame, i);
            encoder.Encode(frame, i, false, video);
            for (int s = 0; s < pcm.Length; s++)
            {
                pcm[s] = (short)(5000 * Math.Sin(2 * Math.PI * 440 * (i * 1920 + s) / 48_000.0));
            }

            aac.Write(pcm, audio);
        }

        using var stream = new MemoryStream();
        var muxer = new FlvMuxer(stream, new FlvStreamInfo(160, 120, 25, 500, HasAudio: true));
        // Interleave as the session does: each frame's video, then the audio produced with it.
        foreach (var packet in video.Concat(audio).OrderBy(p => p.PtsMicroseconds).ThenBy(p => p.Codec == MediaCodec.Aac))
        {
            await muxer.WriteAsync(packet, default);
        }

        return (stream.ToArray(), video, audio);
    }

    internal sealed record Tag(byte Type, uint Timestamp, byte[] Data, int PreviousTagSize);

    internal static List<Tag> ParseTags(byte[] flv)
    {
        var tags = new List<Tag>();
        int pos = 13;
        while (pos + 11 <= flv.Length)
        {
            byte type = flv[pos];
            int size = (flv[pos + 1] << 16) | (flv[pos + 2] << 8) | flv[pos + 3];
            uint ts = (uint)((flv[pos + 4] << 16) | (flv[pos + 5] << 8) | flv[pos + 6] | (flv[pos + 7] << 24));
            var data = flv.AsSpan(pos + 11, size).ToArray();
            int prev = BinaryPrimitives.ReadInt32BigEndian(flv.AsSpan(pos + 11 + size));
            tags.Add(new Tag(type, ts, data, prev));
            pos += 11 + size + 4;
        }

        Assert.Equal(flv.Length, pos);
        return tags;
    }
}
