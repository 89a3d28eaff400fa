using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Session;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Session;

/// <summary>
/// Preemptive replies through a real session: a prepared reply runs its LLM, TTS and lip-sync but shows, plays and
/// remembers nothing until it is confirmed; a dropped one leaves no trace.
/// </summary>
public class PreparedReplyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_dropped_reply_leaves_no_trace_in_output_transcript_history_or_timings()
    {
        var chat = new RecordingChatClient();
        var renderer = new FlatAvatarRenderer();
        var sink = new CollectingSink();
        await using var session = SessionBuilder.Create(chat, renderer: renderer);
        var seen = Observe(session);
        session.Output = sink;
        session.Start();

        var prepared = session.PrepareReply("What is the weather like?");
        await WaitUntilAsync(() => renderer.SpeechFramesRendered > 0);
        session.DropReply(prepared);
        await prepared.Rendered.WaitAsync(Timeout);
        await Task.Delay(300);

        Assert.DoesNotContain(sink.Frames, f => f.Speaking);
        Assert.Empty(session.Transcript);
        Assert.Empty(seen.Transcript);
        Assert.Empty(seen.Timings);
        Assert.Empty(seen.States);
        Assert.Equal(ConversationState.Listening, session.State);
        Assert.Null(session.ConfirmReply(prepared, TimeSpan.Zero));

        // The next turn's LLM call sees a history without the dropped exchange.
        var next = session.SubmitUserText("Hello?");
        await next.Spoken.WaitAsync(Timeout);
        Assert.Equal(["What is the weather like?"], chat.Calls[0].Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        Assert.Equal(["Hello?"], chat.Calls[1].Where(m => m.Role != ChatRole.System).Select(m => m.Text));
    }

    [Fact]
    public async Task A_confirmed_reply_plays_its_held_frames_at_once_and_is_remembered()
    {
        var chat = new RecordingChatClient();
        var renderer = new FlatAvatarRenderer();
        var sink = new CollectingSink();
        await using var session = SessionBuilder.Create(chat, renderer: renderer);
        var seen = Observe(session);
        session.Output = sink;
        session.Start();

        var prepared = session.PrepareReply("What is the weather like?");
        await WaitUntilAsync(() => renderer.SpeechFramesRendered >= 10);
        await Task.Delay(200); // the user's silence goes on; nothing may play meanwhile
        Assert.DoesNotContain(sink.Frames, f => f.Speaking);
        Assert.Empty(seen.Transcript);

        var confirmedAt = DateTime.UtcNow;
        var handle = session.ConfirmReply(prepared, TimeSpan.FromMilliseconds(30));
        Assert.NotNull(handle);
        Assert.Equal(prepared.ReplyId, handle.ReplyId);
        await handle.Spoken.WaitAsync(Timeout);

        // Already rendered, it starts within two slots of the confirmation, whole.
        var speech = sink.Frames.Where(f => f.Speaking).ToList();
        Assert.True((speech[0].At - confirmedAt).TotalMilliseconds < 80, $"first speech frame {(speech[0].At - confirmedAt).TotalMilliseconds:F0} ms after the confirmation");
        Assert.Equal(renderer.SpeechFramesRendered, speech.Count);
        Assert.All(speech, f => Assert.Equal(prepared.ReplyId, f.ReplyId));

        Assert.Equal(TranscriptRole.User, seen.Transcript[0].Role);
        Assert.Equal("What is the weather like?", seen.Transcript[0].Text);
        Assert.Contains(session.Transcript, t => t.Role == TranscriptRole.Avatar && t.IsFinal && t.Text == "Reply 1. It is sunny and warm today.");
        Assert.Equal([ConversationState.Thinking, ConversationState.Speaking, ConversationState.Listening], seen.States);

        // Timings run from the end of speech: stages done while held come out negative, ASR final is the confirmation.
        var ms = seen.Timings.ToDictionary(t => t.Stage, t => t.SinceReplyStart.TotalMilliseconds);
        Assert.Equal(Stage.VadEnd, seen.Timings[0].Stage);
        Assert.InRange(ms[Stage.AsrFinal], 30, 60);
        Assert.True(ms[Stage.LlmFirstToken] < -150, $"LLM first token at {ms[Stage.LlmFirstToken]:F0} ms");
        Assert.True(ms[Stage.LipSyncFirstFrame] < 0, $"first frame at {ms[Stage.LipSyncFirstFrame]:F0} ms");
        Assert.InRange(ms[Stage.FirstAudioOut], 30, 30 + 80);

        var next = session.SubmitUserText("And tomorrow?");
        await next.Spoken.WaitAsync(Timeout);
        Assert.Equal(["What is the weather like?", "Reply 1. It is sunny and warm today.", "And tomorrow?"], chat.Calls[1].Where(m => m.Role != ChatRole.System).Select(m => m.Text));
    }

    [Fact]
    public async Task A_confirmation_replaces_the_reply_that_was_playing()
    {
        var sink = new CollectingSink();
        await using var session = SessionBuilder.Create(new RecordingChatClient(), renderer: new FlatAvatarRenderer());
        session.Output = sink;
        session.Start();
        var playing = session.Say("This is a long line that the operator typed so the avatar talks for several seconds at least.");
        await WaitUntilAsync(() => sink.Frames.Any(f => f.Speaking));

        var prepared = session.PrepareReply("Stop, please.");
        var handle = session.ConfirmReply(prepared, TimeSpan.Zero)!;
        await playing.Spoken.WaitAsync(Timeout);
        await handle.Spoken.WaitAsync(Timeout);

        var frames = sink.Frames.Where(f => f.Speaking).ToList();
        var firstNew = frames.FindIndex(f => f.ReplyId == prepared.ReplyId);
        Assert.True(firstNew > 0);
        Assert.DoesNotContain(frames.Skip(firstNew), f => f.ReplyId == playing.ReplyId);
        Assert.Equal(ConversationState.Listening, session.State);
    }

    [Fact]
    public async Task A_reply_that_fails_while_held_is_dropped_silently_and_cannot_be_confirmed()
    {
        await using var session = SessionBuilder.Create(new FailingChatClient());
        var seen = Observe(session);
        string? error = null;
        session.ErrorRaised += e => error = e;
        session.Start();

        var prepared = session.PrepareReply("Hello?");
        await prepared.Rendered.WaitAsync(Timeout);

        Assert.Null(session.ConfirmReply(prepared, TimeSpan.Zero));
        Assert.Null(error);
        Assert.Empty(seen.Transcript);
        Assert.Equal(ConversationState.Listening, session.State);
    }

    [Fact]
    public async Task A_new_guess_drops_the_previous_one()
    {
        var chat = new RecordingChatClient();
        var sink = new CollectingSink();
        await using var session = SessionBuilder.Create(chat, renderer: new FlatAvatarRenderer());
        session.Output = sink;
        session.Start();

        var first = session.PrepareReply("What is");
        var second = session.PrepareReply("What is the weather like?");
        await first.Rendered.WaitAsync(Timeout);
        Assert.False(first.IsHeld);
        Assert.Null(session.ConfirmReply(first, TimeSpan.Zero));

        var handle = session.ConfirmReply(second, TimeSpan.Zero)!;
        await handle.Spoken.WaitAsync(Timeout);
        Assert.DoesNotContain(sink.Frames, f => f.ReplyId == first.ReplyId);
        Assert.Contains(sink.Frames, f => f.Speaking && f.ReplyId == second.ReplyId);
    }

    private static Observed Observe(ConversationSession session)
    {
        var seen = new Observed();
        session.TranscriptUpdated += e => { lock (seen) { seen.Transcript.Add(e); } };
        session.StageMeasured += t => { lock (seen) { seen.Timings.Add(t); } };
        session.StateChanged += s => { lock (seen) { seen.States.Add(s); } };
        return seen;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }

    private sealed class Observed
    {
        public List<TranscriptEntry> Transcript { get; } = [];

        public List<StageTiming> Timings { get; } = [];

        public List<ConversationState> States { get; } = [];
    }

    /// <summary>Answers "Reply N." to the N-th call and keeps the messages of every call.</summary>
    private sealed class RecordingChatClient : IChatClient
    {
        public List<List<ChatMessage>> Calls { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            int n;
            lock (Calls)
            {
                Calls.Add(messages.ToList());
                n = Calls.Count;
            }

            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, $"Reply {n}. It is sunny and warm today.");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FailingChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("LLM unreachable");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
