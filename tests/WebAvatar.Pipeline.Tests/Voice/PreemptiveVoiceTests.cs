using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Voice;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;
using WebAvatar.Testing.Doubles;
using static WebAvatar.Pipeline.Tests.Voice.MicrophoneFeed;

namespace WebAvatar.Pipeline.Tests.Voice;

/// <summary>
/// Preemptive replies from the microphone through a real transcriber and session (energy VAD; a recognizer that names the
/// length of what it heard, so a longer utterance gives a different transcript): a pause prepares a held reply, a
/// lasting silence plays it, speech resuming drops it without a trace.
/// </summary>
public class PreemptiveVoiceTests
{
    [Fact]
    public async Task A_pause_prepares_a_held_reply_and_the_lasting_silence_plays_it()
    {
        var (session, sink, renderer) = Start(preemptive: true);
        await using var _ = session;
        var transcript = new List<TranscriptEntry>();
        session.TranscriptUpdated += e => { lock (transcript) { transcript.Add(e); } };
        await using var voice = MicrophoneFeed.StartVoice(session, new LengthRecognizer(), new WhisperOptions { PartialIntervalMs = 10_000 });

        WriteTone(session, 600);
        WriteSilence(session, 100);
        await WaitUntilAsync(() => voice.Preemption.Prepared == 1 && renderer.SpeechFramesRendered > 5);
        await Task.Delay(200);
        Assert.DoesNotContain(sink.Frames, f => f.Speaking);
        Assert.DoesNotContain(transcript, t => t.Role != TranscriptRole.User || t.IsFinal);
        Assert.Equal(ConversationState.Listening, session.State);

        WriteSilence(session, 500);
        await WaitUntilAsync(() => voice.Preemption.Kept == 1);
        await WaitUntilAsync(() => session.State == ConversationState.Listening && sink.Frames.Any(f => f.Speaking));
        Assert.Equal(new PreemptionCounts(1, 1, 1, 0), voice.Preemption);
        var final = Assert.Single(transcript, t => t.Role == TranscriptRole.User && t.IsFinal);
        Assert.All(sink.Frames.Where(f => f.Speaking), f => Assert.Equal(final.ReplyId, f.ReplyId));
        Assert.Equal(renderer.SpeechFramesRendered, sink.Frames.Count(f => f.Speaking));
    }

    [Fact]
    public async Task Speech_resuming_after_the_pause_drops_the_held_reply_silently()
    {
        var (session, sink, _) = Start(preemptive: true);
        await using var __ = session;
        var transcript = new List<TranscriptEntry>();
        session.TranscriptUpdated += e => { lock (transcript) { transcript.Add(e); } };
        await using var voice = MicrophoneFeed.StartVoice(session, new LengthRecognizer(), new WhisperOptions { PartialIntervalMs = 10_000 });

        WriteTone(session, 600);
        WriteSilence(session, 100);
        await WaitUntilAsync(() => voice.Preemption.Prepared == 1);
        await Task.Delay(200);
        WriteTone(session, 600);
        WriteSilence(session, 500);

        await WaitUntilAsync(() => voice.Preemption.VoiceTurns == 1);
        await WaitUntilAsync(() => session.State == ConversationState.Listening && sink.Frames.Any(f => f.Speaking));
        Assert.Equal(new PreemptionCounts(1, 1, 0, 1), voice.Preemption);

        // Only the whole utterance was answered: one user line, and every frame played belongs to its reply.
        var final = Assert.Single(transcript, t => t.Role == TranscriptRole.User && t.IsFinal);
        Assert.StartsWith("1.", final.Text, StringComparison.Ordinal);
        Assert.All(sink.Frames.Where(f => f.Speaking), f => Assert.Equal(final.ReplyId, f.ReplyId));
    }

    [Fact]
    public async Task Without_preemption_the_reply_starts_at_the_final()
    {
        var (session, sink, _) = Start(preemptive: false);
        await using var _ = session;
        await using var voice = MicrophoneFeed.StartVoice(session, new LengthRecognizer(), new WhisperOptions { PartialIntervalMs = 10_000 });

        WriteTone(session, 600);
        WriteSilence(session, 600);
        await WaitUntilAsync(() => voice.Preemption.VoiceTurns == 1);
        await WaitUntilAsync(() => sink.Frames.Any(f => f.Speaking));
        Assert.Equal(new PreemptionCounts(1, 0, 0, 0), voice.Preemption);
    }

    private static (ConversationSession Session, CollectingSink Sink, FlatAvatarRenderer Renderer) Start(bool preemptive)
    {
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        var session = SessionBuilder.Create(renderer: renderer, options: new PipelineOptions { PreemptiveReplies = preemptive });
        session.Output = sink;
        session.Start();
        return (session, sink, renderer);
    }

    /// <summary>"0.9 seconds of speech": a transcript that changes when the utterance grows.</summary>
    private sealed class LengthRecognizer : IUtteranceRecognizer
    {
        public string EngineName => "length";

        public string ModelDescription => "test";

        public async Task<WhisperTranscription> TranscribeAsync(ReadOnlyMemory<float> audio, RecognitionPass pass, CancellationToken cancellationToken)
        {
            await Task.Delay(20, cancellationToken);
            var duration = TimeSpan.FromSeconds(audio.Length / 16_000.0);
            var text = string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:F1} seconds of speech.");
            return new WhisperTranscription(text, "en", [], duration, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(20), 1, false, EngineName);
        }
    }
}
