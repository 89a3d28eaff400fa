using Microsoft.Extensions.AI;
using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Pipeline.Tests.TestDoubles;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Session;

public class ConversationSessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task First_segment_reaches_tts_before_the_llm_stream_ends()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chat = new ScriptedChatClient(("Hello there, ", null), ("how are you? ", null), ("I am fine.", gate.Task));
        var tts = new ToneTextToSpeechClient();
        bool llmFinishedAtFirstTts = true;
        tts.OnCall = _ =>
        {
            if (tts.Calls.Count == 1)
            {
                llmFinishedAtFirstTts = chat.Finished;
                gate.TrySetResult(); // only now may the LLM produce its last chunk
            }
        };

        await using var session = SessionBuilder.Create(chat, tts);
        session.Start();
        var reply = session.SubmitUserText("How are you?");
        await reply.Rendered.WaitAsync(Timeout);

        Assert.False(llmFinishedAtFirstTts);
        Assert.Equal("Hello there,", tts.Calls[0].Text);
        Assert.Equal(["Hello there,", "how are you?", "I am fine."], tts.Calls.Select(c => c.Text));
        Assert.Contains(session.Transcript, t => t.Role == TranscriptRole.Avatar && t.Text == "Hello there, how are you? I am fine." && t.IsFinal);
    }

    [Fact]
    public async Task Echo_mode_speaks_the_users_words_and_pairs_audio_with_video_in_real_time()
    {
        var tts = new ToneTextToSpeechClient();
        var sink = new CollectingSink();
        var timings = new List<StageTiming>();
        await using var session = SessionBuilder.Create(tts: tts);
        session.StageMeasured += t => { lock (timings) { timings.Add(t); } };
        session.Output = sink;
        session.Start();

        var reply = session.SubmitUserText("Hello avatar, nice day.");
        await reply.Spoken.WaitAsync(Timeout);
        Assert.Equal("Hello avatar, nice day.", string.Join(" ", tts.Calls.Select(c => c.Text)));

        var frames = sink.Frames;
        var speech = frames.Where(f => f.Speaking).ToList();
        int expected = tts.Calls.Sum(c => MediaTiming.FramesForSamples((int)Math.Round(c.Text.Length * (ToneTextToSpeechClient.Rate * 60 / 1000) * 16000.0 / ToneTextToSpeechClient.Rate)));
        Assert.InRange(speech.Count, expected - 2, expected + 2);
        Assert.True(speech.Count(f => f.Rms > 1000) > speech.Count / 2, "speech frames carry the audio");
        Assert.All(frames.Where(f => !f.Speaking), f => Assert.Equal(0, f.Rms));
        // One frame per 40 ms slot, contiguous indices, paced near real time.
        for (int i = 1; i < frames.Count; i++)
        {
            Assert.Equal(frames[i - 1].Index + 1, frames[i].Index);
        }

        // Never faster than real time: after a stall the pacer slips instead of bursting, so load can only lengthen the span.
        var span = speech[^1].At - speech[0].At;
        Assert.True(span.TotalMilliseconds >= (speech.Count - 1) * 40 * 0.8, $"{speech.Count} speech frames were emitted within {span.TotalMilliseconds:F0} ms");

        // Paced at 40 ms a slot; the median ignores the stalls a loaded machine inflicts (which no wall-clock bound survives).
        var steps = speech.Skip(1).Zip(speech, (next, previous) => (next.At - previous.At).TotalMilliseconds).Order().ToArray();
        Assert.InRange(steps[steps.Length / 2], 30, 50);
        Assert.Contains(timings, t => t.Stage == Stage.FirstAudioOut);
        Assert.Equal(0.25, session.EngineMetrics[Speech.PcmAudioContent.RealTimeFactorKey]);
        Assert.Equal(12.0, session.EngineMetrics[Speech.PcmAudioContent.FirstAudioMsKey]);
        Assert.Equal(ConversationState.Listening, session.State);
    }

    [Fact]
    public async Task Interrupt_stops_speech_within_two_slots_and_flushes_the_queue()
    {
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer);
        session.Output = sink;
        session.Start();

        var reply = session.Say("This is a long line that the operator typed so the avatar talks for several seconds at least.");
        var deadline = DateTime.UtcNow + Timeout;
        while (!sink.Frames.Any(f => f.Speaking) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(300);
        var interruptedAt = DateTime.UtcNow;
        session.Interrupt();
        await reply.Spoken.WaitAsync(Timeout);
        await Task.Delay(400);

        var lateSpeech = sink.Frames.Where(f => f.Speaking && f.At > interruptedAt.AddMilliseconds(80)).ToList();
        Assert.Empty(lateSpeech);
        Assert.Equal(ConversationState.Listening, session.State);
        Assert.True(sink.Frames.Count(f => f.Speaking) < renderer.SpeechFramesRendered, "frames queued ahead were dropped, not played");

        // The session keeps working after a barge-in.
        var next = session.Say("Next line, please.");
        await next.Spoken.WaitAsync(Timeout);
        Assert.Contains(sink.Frames, f => f.Speaking && f.ReplyId == next.ReplyId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_text_is_refused_clearly(string text)
    {
        await using var session = SessionBuilder.Create();
        var ex = Assert.Throws<ArgumentException>(() => session.Say(text));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public async Task Huge_text_is_refused_with_the_limit()
    {
        await using var session = SessionBuilder.Create();
        var ex = Assert.Throws<ArgumentException>(() => session.SubmitUserText(new string('a', 100_000)));
        Assert.Contains("100,000", ex.Message);
        Assert.Contains("4,000", ex.Message);
    }

    [Fact]
    public async Task A_failing_engine_is_reported_and_the_session_recovers()
    {
        var tts = new FailingTts();
        var sink = new CollectingSink();
        await using var broken = SessionBuilder.Create(tts: tts);
        string? error = null;
        broken.ErrorRaised += e => error = e;
        broken.Output = sink;
        broken.Start();
        var reply = broken.Say("Hello there, how are you?");
        await Assert.ThrowsAnyAsync<Exception>(() => reply.Rendered.WaitAsync(Timeout));
        Assert.Contains("Voice 'xx' is not supported", error);
        Assert.Equal(ConversationState.Listening, broken.State);
        Assert.Contains(broken.Transcript, t => t.Role == TranscriptRole.System && t.Text.Contains("not supported"));

        // Recovered: once the engine works again, the same session speaks the next line whole.
        tts.Fail = false;
        var next = broken.Say("Hello again, it works now.");
        await next.Spoken.WaitAsync(Timeout);
        Assert.True(sink.Frames.Count(f => f.Speaking && f.ReplyId == next.ReplyId) > 10, "the next reply was not played");
        Assert.Equal(ConversationState.Listening, broken.State);
    }

    /// <summary>Refuses the voice while <see cref="Fail"/> holds, then speaks like the tone test double.</summary>
    private sealed class FailingTts : ITextToSpeechClient
    {
        private readonly ToneTextToSpeechClient _working = new();

        public bool Fail { get; set; } = true;

        public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
            Fail ? throw new NotSupportedException("Voice 'xx' is not supported.") : _working.GetAudioAsync(text, options, cancellationToken);

        public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
            Fail ? throw new NotSupportedException("Voice 'xx' is not supported.") : _working.GetStreamingAudioAsync(text, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
