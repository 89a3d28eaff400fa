using System.Diagnostics;
using System.Text;
using WebAvatar.Media;
using WebAvatar.Speech;

namespace WebAvatar.LipSync.Tests;

/// <summary>Real synthetic speech for the tests: espeak-ng output resampled to the pipeline rate.</summary>
internal static class SpeechFixtures
{
    /// <summary>Visemes assigned to consecutive voiced frames: stands in for TTS phoneme marks.</summary>
    private static readonly Viseme[] VoicedPattern =
        [Viseme.Open, Viseme.Neutral, Viseme.Wide, Viseme.Closed, Viseme.Round, Viseme.Open, Viseme.Teeth, Viseme.Wide, Viseme.Open, Viseme.Round];

    /// <summary>
    /// Speaks <paramref name="text"/> with espeak-ng and surrounds it with silence. Returns the clip and the frame
    /// range that carries speech.
    /// </summary>
    public static (SpeechClip Clip, int FirstSpeechFrame, int EndSpeechFrame) SpokenClip(string text, int silenceFramesBefore, int silenceFramesAfter)
    {
        var (wav, rate) = ReadWav(RunEspeak(text));
        var speech = Resample(wav, rate, MediaTiming.PipelineSampleRate);
        int before = silenceFramesBefore * MediaTiming.SamplesPerVideoFrame;
        int speechFrames = MediaTiming.FramesForSamples(speech.Length);
        var samples = new short[before + speechFrames * MediaTiming.SamplesPerVideoFrame + silenceFramesAfter * MediaTiming.SamplesPerVideoFrame];
        speech.CopyTo(samples, before);
        return (new SpeechClip(samples, MarksFor(samples), text), silenceFramesBefore, silenceFramesBefore + speechFrames);
    }

    /// <summary>One mark per 40 ms frame: Rest when quiet, otherwise the next viseme of a fixed pattern.</summary>
    private static List<PhonemeMark> MarksFor(short[] samples)
    {
        var marks = new List<PhonemeMark>();
        int voiced = 0;
        for (int start = 0; start < samples.Length; start += MediaTiming.SamplesPerVideoFrame)
        {
            double sum = 0;
            int end = Math.Min(samples.Length, start + MediaTiming.SamplesPerVideoFrame);
            for (int i = start; i < end; i++)
            {
                sum += samples[i] * (double)samples[i];
            }

            bool loud = Math.Sqrt(sum / MediaTiming.SamplesPerVideoFrame) > 300;
            var viseme = loud ? VoicedPattern[voiced++ % VoicedPattern.Length] : Viseme.Rest;
            marks.Add(new PhonemeMark(start, loud ? "x" : "_", viseme));
        }

        return marks;
    }

    private static byte[] RunEspeak(string text)
    {
        var info = new ProcessStartInfo("espeak-ng") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-v", "en-us", "--stdout", text })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("espeak-ng could not start (install the Debian package espeak-ng)");
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "espeak-ng failed: " + process.StandardError.ReadToEnd());
        return output.ToArray();
    }

    /// <summary>Reads 16-bit mono PCM from a RIFF/WAVE stream (espeak-ng writes an open-ended data size).</summary>
    private static (short[] Samples, int Rate) ReadWav(byte[] bytes)
    {
        Assert.True(bytes.Length > 44 && Encoding.ASCII.GetString(bytes, 0, 4) == "RIFF", "espeak-ng did not produce a WAV file");
        int rate = 0, pos = 12;
        while (pos + 8 <= bytes.Length)
        {
            string id = Encoding.ASCII.GetString(bytes, pos, 4);
            int size = BitConverter.ToInt32(bytes, pos + 4);
            if (id == "fmt ")
            {
                rate = BitConverter.ToInt32(bytes, pos + 12);
            }
            else if (id == "data")
            {
                int available = bytes.Length - pos - 8;
                int length = size < 0 || size > available ? available : size;
                var samples = new short[length / 2];
                Buffer.BlockCopy(bytes, pos + 8, samples, 0, samples.Length * 2);
                return (samples, rate);
            }

            pos += 8 + size;
        }

        throw new InvalidDataException("WAV without a data chunk");
    }

    /// <summary>Windowed-sinc resampler (Hann, 16 taps per side) with the cutoff below the lower Nyquist.</summary>
    private static short[] Resample(short[] input, int fromRate, int toRate)
    {
        const int halfTaps = 16;
        double ratio = (double)fromRate / toRate;
        double cutoff = 0.95 * Math.Min(1.0, (double)toRate / fromRate);
        var output = new short[(int)(input.Length / ratio)];
        for (int n = 0; n < output.Length; n++)
        {
            double center = n * ratio;
            int first = (int)Math.Floor(center) - halfTaps + 1;
            double sum = 0;
            for (int k = first; k < first + 2 * halfTaps; k++)
            {
                if (k < 0 || k >= input.Length)
                {
                    continue;
                }

                double t = k - center;
                double sinc = t == 0 ? 1 : Math.Sin(Math.PI * cutoff * t) / (Math.PI * cutoff * t);
                double window = 0.5 + 0.5 * Math.Cos(Math.PI * t / halfTaps);
                sum += input[k] * cutoff * sinc * window;
            }

            output[n] = (short)Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue);
        }

        return output;
    }
}
