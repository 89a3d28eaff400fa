using System.Buffers.Binary;
using System.Diagnostics;

namespace WebAvatar.Speech.Tests.Vad;

/// <summary>Real speech for tests: espeak-ng phrases, resampled to 16 kHz, trimmed of espeak's own silence.</summary>
internal static class SpeechTestAudio
{
    public const int Rate = 16_000;

    /// <summary>espeak-ng speech of <paramref name="text"/> at 16 kHz with leading and trailing silence removed.</summary>
    public static float[] Speak(string text)
    {
        var (samples, rate) = ReadWav(RunEspeak(text));
        var resampled = Resample(samples, rate, Rate);
        return TrimSilence(resampled);
    }

    /// <summary>Silence, phrase, silence, phrase...; returns the audio and each phrase's [start, end) in samples.</summary>
    public static (float[] Audio, List<(long Start, long End)> Speech) Compose(IReadOnlyList<float[]> phrases, IReadOnlyList<double> silencesSeconds)
    {
        var audio = new List<float>();
        var speech = new List<(long, long)>();
        for (var i = 0; i < phrases.Count; i++)
        {
            audio.AddRange(new float[(int)(silencesSeconds[i] * Rate)]);
            var start = audio.Count;
            audio.AddRange(phrases[i]);
            speech.Add((start, audio.Count));
        }

        audio.AddRange(new float[(int)(silencesSeconds[^1] * Rate)]);
        return (audio.ToArray(), speech);
    }

    public static short[] ToPcm16(ReadOnlySpan<float> samples)
    {
        var pcm = new short[samples.Length];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)Math.Clamp(Math.Round(samples[i] * 32767), short.MinValue, short.MaxValue);
        }

        return pcm;
    }

    private static byte[] RunEspeak(string text)
    {
        var psi = new ProcessStartInfo("espeak-ng") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-v", "en-us", "--stdout", text })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("espeak-ng did not start");
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("espeak-ng failed: " + process.StandardError.ReadToEnd());
        }

        return output.ToArray();
    }

    // espeak writes a streaming header (sizes 0x7fffffff): take the data chunk to the end of the file.
    private static (float[] Samples, int Rate) ReadWav(byte[] wav)
    {
        var rate = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24, 4));
        var pos = 12;
        while (pos + 8 <= wav.Length)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(pos + 4, 4));
            if (wav.AsSpan(pos, 4).SequenceEqual("data"u8))
            {
                var data = wav.AsSpan(pos + 8);
                var samples = new float[data.Length / 2];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(i * 2, 2)) / 32768f;
                }

                return (samples, rate);
            }

            pos += 8 + size;
        }

        throw new InvalidDataException("espeak output has no data chunk");
    }

    private static float[] Resample(float[] input, int from, int to)
    {
        var output = new float[(int)((long)input.Length * to / from)];
        for (var i = 0; i < output.Length; i++)
        {
            var x = (double)i * from / to;
            var i0 = (int)x;
            var frac = (float)(x - i0);
            var a = input[Math.Min(i0, input.Length - 1)];
            var b = input[Math.Min(i0 + 1, input.Length - 1)];
            output[i] = a + (b - a) * frac;
        }

        return output;
    }

    /// <summary>Cuts leading/trailing 10 ms frames quieter than -50 dBFS: that is where the phrase really starts and ends.</summary>
    private static float[] TrimSilence(float[] samples)
    {
        const int frame = Rate / 100;
        var threshold = Math.Pow(10, -50 / 20.0);
        bool Loud(int f)
        {
            double sum = 0;
            var end = Math.Min(samples.Length, (f + 1) * frame);
            for (var i = f * frame; i < end; i++)
            {
                sum += samples[i] * samples[i];
            }

            return Math.Sqrt(sum / frame) > threshold;
        }

        var frames = samples.Length / frame;
        var first = 0;
        while (first < frames && !Loud(first))
        {
            first++;
        }

        var last = frames - 1;
        while (last > first && !Loud(last))
        {
            last--;
        }

        return samples[(first * frame)..Math.Min(samples.Length, (last + 1) * frame)];
    }
}
