using System.Buffers.Binary;

namespace WebAvatar.Speech.OpenAiCompatible;

/// <summary>Reads and writes the RIFF/WAVE header of 16-bit PCM audio.</summary>
public static class WavHeader
{
    /// <summary>
    /// Reads a WAV header from <paramref name="stream"/> and leaves it at the first byte of sample data.
    /// Tolerates streaming servers that write 0 or 0xFFFFFFFF sizes. Only 16-bit integer PCM is accepted.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a WAV stream, or not 16-bit PCM.</exception>
    public static async Task<(int SampleRate, int Channels)> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[12];
        await ReadExactly(stream, header, cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !header.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("The audio is not a RIFF/WAVE stream.");
        }

        int sampleRate = 0, channels = 0;
        var chunk = new byte[8];
        while (true)
        {
            await ReadExactly(stream, chunk, cancellationToken).ConfigureAwait(false);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (chunk.AsSpan(0, 4).SequenceEqual("data"u8))
            {
                if (sampleRate == 0)
                {
                    throw new InvalidDataException("WAV data chunk came before its fmt chunk.");
                }

                return (sampleRate, channels);
            }

            if (size > 1 << 20)
            {
                throw new InvalidDataException($"WAV chunk '{System.Text.Encoding.ASCII.GetString(chunk, 0, 4)}' claims {size} bytes before the data.");
            }

            var body = new byte[size + (size & 1)];
            await ReadExactly(stream, body, cancellationToken).ConfigureAwait(false);
            if (chunk.AsSpan(0, 4).SequenceEqual("fmt "u8))
            {
                if (size < 16)
                {
                    throw new InvalidDataException("WAV fmt chunk is too short.");
                }

                int format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(2));
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(4));
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(14));
                if ((format != 1 && format != 0xFFFE) || bits != 16 || channels is < 1 or > 8 || sampleRate <= 0)
                {
                    throw new InvalidDataException($"WAV must be 16-bit integer PCM (got format {format}, {bits} bits, {channels} channels, {sampleRate} Hz).");
                }
            }
        }
    }

    /// <summary>A 44-byte header for mono 16-bit PCM of <paramref name="sampleCount"/> samples.</summary>
    public static byte[] CreateMono16(int sampleRate, int sampleCount)
    {
        var header = new byte[Dsp.WavFile.HeaderBytes];
        Dsp.WavFile.WriteMono16Header(header, sampleRate, sampleCount * 2);
        return header;
    }

    private static async Task ReadExactly(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The WAV stream ended inside its header.", ex);
        }
    }
}
