using WebAvatar.Media.Codecs.Aac;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Codecs;

public class AacEncoderTests
{
    [Fact]
    public async Task Aac_lc_frames_decode_back_to_the_tone()
    {
        using var encoder = new AacEncoder();
        var packets = new List<EncodedPacket>();
        var tone = new short[48_000];
        for (int i = 0; i < tone.Length; i++)
        {
            tone[i] = (short)(10_000 * Math.Sin(2 * Math.PI * 1000 * i / 48_000.0));
        }

        for (int offset = 0; offset < tone.Length; offset += 1920)
        {
            encoder.Write(tone.AsSpan(offset, Math.Min(1920, tone.Length - offset)), packets);
        }

        encoder.Flush(packets);
        Assert.InRange(packets.Count, 46, 49);
        // pts follow the sample count: 1024 samples apart, starting one frame early (encoder priming).
        Assert.Equal(-21_333, packets[0].PtsMicroseconds);
        Assert.Equal(0, packets[1].PtsMicroseconds);
        Assert.Equal(1024 * 5 * 1_000_000L / 48_000, packets[6].PtsMicroseconds);
        Assert.Equal(new byte[] { 0x11, 0x88 }, AacEncoder.AudioSpecificConfig);

        string file = Path.Combine(Tools.TempDirectory("aac"), "tone.aac");
        await File.WriteAllBytesAsync(file, packets.SelectMany(p => Adts(p.Data.Span)).ToArray());
        var (code, output, error) = await Tools.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,profile,sample_rate,channels", "-of", "default=nw=1", file], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, error);
        Assert.Contains("codec_name=aac", output);
        Assert.Contains("profile=LC", output);
        Assert.Contains("sample_rate=48000", output);
        Assert.Contains("channels=1", output);

        var pcm = await Tools.RunBinaryAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "s16le", "-ac", "1", "-"], TimeSpan.FromSeconds(30));
        var decoded = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, decoded, 0, decoded.Length * 2);
        Assert.InRange(decoded.Length, 47_000, 50_000);
        // Energy in the middle matches the input tone (RMS 7071) and the zero-crossing rate says 1 kHz.
        var middle = decoded.AsSpan(10_000, 24_000).ToArray();
        double rms = Math.Sqrt(middle.Average(s => (double)s * s));
        Assert.InRange(rms, 6000, 8000);
        int crossings = 0;
        for (int i = 1; i < middle.Length; i++)
        {
            crossings += (middle[i - 1] < 0) != (middle[i] < 0) ? 1 : 0;
        }

        Assert.InRange(crossings / (middle.Length / 48_000.0) / 2, 980, 1020);
    }

    private static byte[] Adts(ReadOnlySpan<byte> frame)
    {
        int length = frame.Length + 7;
        var header = new byte[]
        {
            0xFF, 0xF1,                                   // sync, MPEG-4, no CRC
            (byte)((1 << 6) | (3 << 2) | 0),              // AAC LC, 48 kHz, channel config high bit
            (byte)((1 << 6) | (length >> 11)),            // mono
            (byte)((length >> 3) & 0xFF),
            (byte)(((length & 7) << 5) | 0x1F),
            0xFC,
        };
        return [.. header, .. frame];
    }
}
