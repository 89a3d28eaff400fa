using System.Buffers.Binary;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Reads the audio handed to <see cref="RecognizerSpeechToTextClient"/>: a RIFF/WAVE file (16-bit PCM at 16 kHz; extra
/// channels are averaged) or headerless 16-bit little-endian mono PCM at 16 kHz. Returns floats in [-1, 1].
/// </summary>
public static class PcmStreamReader
{
    private const int MaxBytes = 64 * 1024 * 1024;

    public static async Task<float[]> ReadAsync(Stream stream, int? declaredSampleRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new InvalidDataException($"Audio larger than {MaxBytes / (1024 * 1024)} MB; Whisper decodes at most 30 s per call.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), declaredSampleRate);
    }

    public static float[] Decode(ReadOnlySpan<byte> bytes, int? declaredSampleRate)
    {
        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WAVE"u8))
        {
            return DecodeWav(bytes);
        }

        if (declaredSampleRate is { } rate && rate != WhisperFeatureExtractor.SampleRate)
        {
            throw new InvalidDataException($"Raw PCM must be 16 kHz for Whisper; got a declared rate of {rate} Hz. Resample first.");
        }

        return ToFloat(bytes[..(bytes.Length & ~1)], channels: 1);
    }

    private static float[] DecodeWav(ReadOnlySpan<byte> bytes)
    {
        int channels = 0, rate = 0, bits = 0;
        var pos = 12;
        while (pos + 8 <= bytes.Length)
        {
            var id = bytes.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(pos + 4, 4));
            var body = pos + 8;
            var available = (int)Math.Min(size, (uint)(bytes.Length - body));
            if (id.SequenceEqual("fmt "u8))
            {
                if (available < 16)
                {
                    throw new InvalidDataException("WAV fmt chunk is truncated.");
                }

                var format = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body + 14, 2));
                if (format is not (1 or 0xFFFE))
                {
                    throw new InvalidDataException($"WAV format {format} is not PCM; send 16-bit PCM.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels == 0)
                {
                    throw new InvalidDataException("WAV data chunk comes before its fmt chunk.");
                }

                if (bits != 16 || rate != WhisperFeatureExtractor.SampleRate)
                {
                    throw new InvalidDataException($"WAV must be 16-bit PCM at 16 kHz for Whisper; got {bits}-bit at {rate} Hz.");
                }

                var data = bytes.Slice(body, available);
                return ToFloat(data[..(data.Length - data.Length % (2 * channels))], channels);
            }

            pos = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        throw new InvalidDataException("WAV file has no data chunk.");
    }

    private static float[] ToFloat(ReadOnlySpan<byte> pcm, int channels)
    {
        var frames = pcm.Length / (2 * channels);
        var result = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice((i * channels + c) * 2, 2));
            }

            result[i] = sum / (32768f * channels);
        }

        return result;
    }
}
