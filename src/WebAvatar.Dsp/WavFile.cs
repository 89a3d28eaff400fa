using System.Buffers.Binary;

namespace WebAvatar.Dsp;

/// <summary>Reads and writes 16-bit PCM RIFF/WAVE files (mono or the first channel of multi-channel input).</summary>
public static class WavFile
{
    /// <summary>Size of the canonical header <see cref="WriteMono16Header"/> writes.</summary>
    public const int HeaderBytes = 44;

    /// <summary>Writes the 44-byte RIFF/WAVE header of 16-bit mono PCM with <paramref name="dataBytes"/> of samples.</summary>
    public static void WriteMono16Header(Span<byte> header, int sampleRate, int dataBytes)
    {
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], dataBytes);
    }

    /// <summary>Wraps little-endian 16-bit mono PCM bytes in a WAV file image (e.g. for a browser &lt;audio&gt; element).</summary>
    public static byte[] FromPcm16(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var wav = new byte[HeaderBytes + pcm.Length];
        WriteMono16Header(wav, sampleRate, pcm.Length);
        pcm.CopyTo(wav.AsSpan(HeaderBytes));
        return wav;
    }

    public static void WriteMono16(Stream stream, ReadOnlySpan<short> samples, int sampleRate)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        WriteMono16Header(header, sampleRate, samples.Length * 2);
        stream.Write(header);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples));
    }

    public static void WriteMono16(string path, ReadOnlySpan<short> samples, int sampleRate)
    {
        using var file = File.Create(path);
        WriteMono16(file, samples, sampleRate);
    }

    /// <summary>Reads a 16-bit PCM WAV; returns the first channel and the sample rate. Throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static (short[] Samples, int SampleRate) ReadMono16(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.ASCII, leaveOpen: true);
        if (new string(reader.ReadChars(4)) != "RIFF")
        {
            throw new InvalidDataException("Not a WAV file: missing RIFF header.");
        }

        reader.ReadInt32();
        if (new string(reader.ReadChars(4)) != "WAVE")
        {
            throw new InvalidDataException("Not a WAV file: missing WAVE tag.");
        }

        int channels = 0, rate = 0, bits = 0;
        while (stream.Position + 8 <= stream.Length || !stream.CanSeek)
        {
            string id;
            int size;
            try
            {
                id = new string(reader.ReadChars(4));
                size = reader.ReadInt32();
            }
            catch (EndOfStreamException)
            {
                break;
            }

            if (id == "fmt ")
            {
                int format = reader.ReadInt16();
                channels = reader.ReadInt16();
                rate = reader.ReadInt32();
                reader.ReadInt32();
                reader.ReadInt16();
                bits = reader.ReadInt16();
                reader.ReadBytes(size - 16);
                if (format is not (1 or -2) || bits != 16)
                {
                    throw new InvalidDataException($"Unsupported WAV format {format} with {bits} bits; expected 16-bit PCM.");
                }
            }
            else if (id == "data")
            {
                if (channels == 0)
                {
                    throw new InvalidDataException("WAV data chunk before fmt chunk.");
                }

                // Streaming writers (espeak-ng --stdout) leave the size at 0x7FFFFFFF or 0: read to the end.
                var bytes = size <= 0 || size == int.MaxValue || (stream.CanSeek && size > stream.Length - stream.Position)
                    ? ReadToEnd(reader.BaseStream)
                    : reader.ReadBytes(size);
                int frames = bytes.Length / (2 * channels);
                var samples = new short[frames];
                for (int i = 0; i < frames; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(i * 2 * channels));
                }

                return (samples, rate);
            }
            else
            {
                reader.ReadBytes(size + (size & 1));
            }
        }

        throw new InvalidDataException("WAV file has no data chunk.");
    }

    public static (short[] Samples, int SampleRate) ReadMono16(string path)
    {
        using var file = File.OpenRead(path);
        return ReadMono16(file);
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
