using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech.Tests.Vad;

/// <summary>The endpointing state machine, driven by a scripted probability per 32 ms window.</summary>
public class VoiceActivityDetectorTests
{
    private const int Window = 512;

    [Fact]
    public void StartIsReportedAtOnsetOnceMinSpeechHasPassed()
    {
        // 10 silent windows, 20 speech windows (640 ms), 20 silent.
        var events = Run([.. Repeat(0.1f, 10), .. Repeat(0.9f, 20), .. Repeat(0.05f, 20)]);

        Assert.Equal(2, events.Count);
        Assert.Equal(new VoiceActivityEvent(VoiceActivityKind.SpeechStart, 10 * Window), events[0]);
        Assert.Equal(new VoiceActivityEvent(VoiceActivityKind.SpeechEnd, 30 * Window), events[1]);
    }

    [Fact]
    public void BlipShorterThanMinSpeechIsIgnored()
    {
        // 5 windows = 160 ms < 250 ms.
        var events = Run([.. Repeat(0.1f, 10), .. Repeat(0.9f, 5), .. Repeat(0.1f, 30)]);

        Assert.Empty(events);
    }

    [Fact]
    public void ProbabilityBetweenThresholdsNeitherStartsNorEnds()
    {
        // Hysteresis: 0.4 is below the start threshold (0.5) but above the end threshold (0.35).
        Assert.Empty(Run([.. Repeat(0.4f, 40)]));

        var events = Run([.. Repeat(0.9f, 10), .. Repeat(0.4f, 40), .. Repeat(0.9f, 2), .. Repeat(0f, 12)]);
        Assert.Equal([VoiceActivityKind.SpeechStart, VoiceActivityKind.SpeechEnd], events.Select(e => e.Kind));
        Assert.Equal(52 * Window, events[1].SamplePosition);
    }

    [Fact]
    public void PauseShorterThanMinSilenceDoesNotSplitTheUtterance()
    {
        // 6 windows = 192 ms pause < 300 ms.
        var events = Run([.. Repeat(0.9f, 15), .. Repeat(0.1f, 6), .. Repeat(0.9f, 15), .. Repeat(0.1f, 15)]);

        Assert.Equal([VoiceActivityKind.SpeechStart, VoiceActivityKind.SpeechEnd], events.Select(e => e.Kind));
        Assert.Equal(36 * Window, events[1].SamplePosition);
    }

    [Fact]
    public void ChunkSizeDoesNotChangeTheResult()
    {
        float[] script = [.. Repeat(0.1f, 7), .. Repeat(0.8f, 13), .. Repeat(0.2f, 11), .. Repeat(0.7f, 9), .. Repeat(0.1f, 12)];
        var reference = Run(script, chunk: Window);
        Assert.Equal(4, reference.Count);
        foreach (var chunk in new[] { 1, 160, 320, 777, 4096 })
        {
            Assert.Equal(reference, Run(script, chunk));
        }
    }

    [Fact]
    public void SpeechPadWidensTheSegment()
    {
        using var vad = new VoiceActivityDetector(
            new ScriptedStream([.. Repeat(0f, 10), .. Repeat(0.9f, 20), .. Repeat(0f, 20)]), new VadOptions { SpeechPadMs = 30 }, "scripted");
        var events = new List<VoiceActivityEvent>();
        vad.Process(new short[50 * Window], events);

        Assert.Equal((10 * Window) - 480, events[0].SamplePosition);
        Assert.Equal((30 * Window) + 480, events[1].SamplePosition);
    }

    [Fact]
    public void ForceEndClosesAnOpenUtterance()
    {
        using var vad = new VoiceActivityDetector(new ScriptedStream(Repeat(0.9f, 20).ToArray()), new VadOptions { SpeechPadMs = 0 }, "scripted");
        var events = new List<VoiceActivityEvent>();
        vad.Process(new short[20 * Window], events);
        Assert.True(vad.IsSpeaking);

        vad.ForceEnd(events);

        Assert.False(vad.IsSpeaking);
        Assert.Equal(new VoiceActivityEvent(VoiceActivityKind.SpeechEnd, 20 * Window), events[^1]);
    }

    [Fact]
    public void RejectsInvertedThresholds()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new VoiceActivityDetector(new ScriptedStream([]), new VadOptions { Threshold = 0.3f, NegativeThreshold = 0.5f }, "scripted"));
        Assert.Contains("NegativeThreshold", ex.Message);
    }

    [Fact]
    public void TentativeEventsAreOffByDefault()
    {
        var events = Run([.. Repeat(0.9f, 3), .. Repeat(0.1f, 3), .. Repeat(0.9f, 15), .. Repeat(0.1f, 4), .. Repeat(0.9f, 5), .. Repeat(0.1f, 15)]);

        Assert.Equal([VoiceActivityKind.SpeechStart, VoiceActivityKind.SpeechEnd], events.Select(e => e.Kind));
    }

    [Fact]
    public void CandidateIsReportedAtOnceAndRejectedWhenItFadesBeforeMinSpeech()
    {
        // 3 windows (96 ms) < 250 ms min speech: a blip.
        var events = Run([.. Repeat(0.1f, 5), .. Repeat(0.9f, 3), .. Repeat(0.1f, 10)], tentative: true);

        Assert.Equal(
            [new(VoiceActivityKind.SpeechCandidate, 5 * Window), new(VoiceActivityKind.CandidateRejected, 9 * Window)],
            events);
    }

    [Fact]
    public void ConfirmedCandidateIsFollowedByTheStartAtTheSameOnset()
    {
        var events = Run([.. Repeat(0.1f, 5), .. Repeat(0.9f, 10), .. Repeat(0.1f, 15)], tentative: true);

        Assert.Equal(
            [VoiceActivityKind.SpeechCandidate, VoiceActivityKind.SpeechStart, VoiceActivityKind.TentativeEnd, VoiceActivityKind.SpeechEnd],
            events.Select(e => e.Kind));
        Assert.Equal(events[0].SamplePosition, events[1].SamplePosition);
        Assert.Equal(events[3].SamplePosition, events[2].SamplePosition); // the tentative end predicts the end
    }

    [Fact]
    public void SpeechAfterATentativeEndResumesTheUtterance()
    {
        // A 4-window (128 ms) pause: tentative end, then speech again; one utterance ends after the second burst.
        var events = Run([.. Repeat(0.9f, 10), .. Repeat(0.1f, 4), .. Repeat(0.9f, 5), .. Repeat(0.1f, 15)], tentative: true);

        Assert.Equal(
            [
                new(VoiceActivityKind.SpeechCandidate, 0), new(VoiceActivityKind.SpeechStart, 0),
                new(VoiceActivityKind.TentativeEnd, 10 * Window), new(VoiceActivityKind.SpeechResumed, 15 * Window),
                new(VoiceActivityKind.TentativeEnd, 19 * Window), new(VoiceActivityKind.SpeechEnd, 19 * Window),
            ],
            events);
    }

    [Fact]
    public void ForceEndRejectsAPendingCandidate()
    {
        using var vad = new VoiceActivityDetector(new ScriptedStream(Repeat(0.9f, 2).ToArray()), new VadOptions { SpeechPadMs = 0 }, "scripted") { ReportTentativeEvents = true };
        var events = new List<VoiceActivityEvent>();
        vad.Process(new short[2 * Window], events);

        vad.ForceEnd(events);

        Assert.Equal([VoiceActivityKind.SpeechCandidate, VoiceActivityKind.CandidateRejected], events.Select(e => e.Kind));
    }

    private static IEnumerable<float> Repeat(float p, int windows) => Enumerable.Repeat(p, windows);

    private static List<VoiceActivityEvent> Run(float[] probabilities, int chunk = 1000, bool tentative = false)
    {
        using var vad = new VoiceActivityDetector(new ScriptedStream(probabilities), new VadOptions { SpeechPadMs = 0 }, "scripted") { ReportTentativeEvents = tentative };
        var events = new List<VoiceActivityEvent>();
        var audio = new short[probabilities.Length * Window];
        for (var pos = 0; pos < audio.Length; pos += chunk)
        {
            vad.Process(audio.AsSpan(pos, Math.Min(chunk, audio.Length - pos)), events);
        }

        return events;
    }

    private sealed class ScriptedStream(float[] probabilities) : IVoiceProbabilityStream
    {
        private int _next;

        public int WindowSamples => Window;

        public float Process(ReadOnlySpan<float> window)
        {
            Assert.Equal(Window, window.Length);
            return probabilities[_next++];
        }

        public void Reset() => _next = 0;

        public void Dispose()
        {
        }
    }
}
