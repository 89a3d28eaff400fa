using System.Buffers.Binary;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

public class PcmStreamReaderTests
{
    [Fact]
    public async Task ReadsA16kMonoWavWithExtraChunks()
    {
        var wav = Wav([1000, -32768, 32767], rate: 16_000, channels: 1, extraChunk: true);

        var samples = await PcmStreamReader.ReadAsync(new MemoryStream(wav), null, CancellationToken.None);

        Assert.Equal([1000 / 32768f, -1f, 32767 / 32768f], samples);
    }

    [Fact]
    public void AveragesStereoChannels()
    {
        var samples = PcmStreamReader.Decode(Wav([1000, 3000, -200, 200], rate: 16_000, channels: 2), null);

        Assert.Equal([2000 / 32768f, 0f], samples);
    }

    [Fact]
    public void RejectsOtherRatesAndFormatsWithTheReason()
    {
        Assert.Contains("22050", Assert.Throws<InvalidDataException>(() => PcmStreamReader.Decode(Wav([1, 2], 22_050, 1), null)).Message);
        Assert.Contains("44100", Assert.Throws<InvalidDataException>(() => PcmStreamReader.Decode(new byte[8], 44_100)).Message);
        var truncated = Wav([1, 2], 16_000, 1)[..30];
        Assert.Throws<InvalidDataException>(() => PcmStreamReader.Decode(truncated, null));
    }

    [Fact]
    public void RawPcmIsLittleEndian16Bit()
    {
        Assert.Equal([0.5f, -0.5f], PcmStreamReader.Decode([0x00, 0x40, 0x00, 0xC0, 0x7F], 16_000));
    }

    internal static byte[] Wav(short[] samples, int rate, int channels, bool extraChunk = false)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)channels);
        w.Write(rate);
        w.Write(rate * channels * 2);
        w.Write((short)(channels * 2));
        w.Write((short)16);
        if (extraChunk)
        {
            w.Write("LIST"u8);
            w.Write(3);
            w.Write(new byte[4]); // odd size: padded to even
        }

        w.Write("data"u8);
        w.Write(samples.Length * 2);
        foreach (var s in samples)
        {
            w.Write(s);
        }

        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }
}
