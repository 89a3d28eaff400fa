using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Tests.Recognition;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech.Tests.Vad;

/// <summary>Endpointing on real (synthetic) speech: espeak-ng phrases separated by known silences.</summary>
public class SpeechEndpointingTests
{
    private const long Tolerance = SpeechTestAudio.Rate / 10; // 100 ms

    private static readonly Lazy<(float[] Audio, List<(long Start, long End)> Speech)> Conversation = new(() =>
        SpeechTestAudio.Compose(
            [
                SpeechTestAudio.Speak("Hello, can you hear me?"),
                SpeechTestAudio.Speak("The weather is lovely today."),
                SpeechTestAudio.Speak("Please tell me a short story about a cat."),
            ],
            [1.0, 1.2, 0.9, 1.0]));

    [Fact]
    public void SileroFindsEachPhraseWithin100Ms()
    {
        var modelPath = Path.Combine(TestPaths.RepoRoot, "models", "silero_vad_v5.onnx");
        Assert.True(File.Exists(modelPath), $"{modelPath} is missing: run scripts/setup.sh");
        var logger = new ListLogger<VoiceActivityDetectorFactory>();
        using var factory = new VoiceActivityDetectorFactory(Options.Create(new VadOptions { ModelPath = modelPath }), logger);

        using var vad = factory.Create();

        Assert.Equal("silero-v5", vad.EngineName);
        AssertPhrasesFound(vad);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void EnergyFallbackWarnsAndStillFindsThePhrases()
    {
        var logger = new ListLogger<VoiceActivityDetectorFactory>();
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-vad-{Guid.NewGuid():N}.onnx");
        using var factory = new VoiceActivityDetectorFactory(Options.Create(new VadOptions { ModelPath = missing }), logger);

        using var vad = factory.Create();

        Assert.Equal("energy", vad.EngineName);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("energy", StringComparison.Ordinal) && e.Message.Contains(missing, StringComparison.Ordinal));
        AssertPhrasesFound(vad);
    }

    [Fact]
    public void SileroStaysQuietOnSilenceAndLowNoise()
    {
        var modelPath = Path.Combine(TestPaths.RepoRoot, "models", "silero_vad_v5.onnx");
        using var factory = new VoiceActivityDetectorFactory(Options.Create(new VadOptions { ModelPath = modelPath }), null);
        using var vad = factory.Create();
        Assert.Equal("silero-v5", vad.EngineName); // the energy fallback would stay quiet here too
        var random = new Random(7);
        var noise = new short[SpeechTestAudio.Rate * 3];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (short)random.Next(-60, 60); // about -60 dBFS
        }

        var events = new List<VoiceActivityEvent>();
        vad.Process(noise, events);

        Assert.Empty(events);
    }

    private static void AssertPhrasesFound(VoiceActivityDetector vad)
    {
        var (audio, speech) = Conversation.Value;
        var pcm = SpeechTestAudio.ToPcm16(audio);
        var events = new List<VoiceActivityEvent>();
        for (var pos = 0; pos < pcm.Length; pos += 320)
        {
            vad.Process(pcm.AsSpan(pos, Math.Min(320, pcm.Length - pos)), events);
        }

        var starts = events.Where(e => e.Kind == VoiceActivityKind.SpeechStart).Select(e => e.SamplePosition).ToList();
        var ends = events.Where(e => e.Kind == VoiceActivityKind.SpeechEnd).Select(e => e.SamplePosition).ToList();
        var report = string.Join("; ", events.Select(e => $"{e.Kind}@{e.SamplePosition / 16}ms"))
            + " | expected " + string.Join("; ", speech.Select(s => $"{s.Start / 16}-{s.End / 16}ms"));
        Assert.True(starts.Count == speech.Count && ends.Count == speech.Count, report);
        for (var i = 0; i < speech.Count; i++)
        {
            Assert.True(Math.Abs(starts[i] - speech[i].Start) <= Tolerance, $"start {i}: {report}");
            Assert.True(Math.Abs(ends[i] - speech[i].End) <= Tolerance, $"end {i}: {report}");
        }
    }
}
