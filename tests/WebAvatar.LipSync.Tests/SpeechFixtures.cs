using System.Diagnostics;
using WebAvatar.Dsp;
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
        using var wav = new MemoryStream(RunEspeak(text));
        var (espeak, rate) = WavFile.ReadMono16(wav);
        var speech = PcmResampler.ResampleAll(espeak, rate, MediaTiming.PipelineSampleRate);
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
            int end = Math.Min(samples.Length, start + MediaTiming.SamplesPerVideoFrame);
            bool loud = AudioLevel.Rms(samples.AsSpan(start, end - start), MediaTiming.SamplesPerVideoFrame) > 300;
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
}
