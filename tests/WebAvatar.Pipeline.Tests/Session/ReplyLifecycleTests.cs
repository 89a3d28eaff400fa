using WebAvatar.Conversation;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline.Tests.Session;

/// <summary>
/// Every transition of the reply state machine (each row of its diagram, and the no-ops), asserted as the exact sequence of
/// states its listeners see.
/// </summary>
public class ReplyLifecycleTests
{
    private const ConversationState Listening = ConversationState.Listening;
    private const ConversationState Thinking = ConversationState.Thinking;
    private const ConversationState Speaking = ConversationState.Speaking;
    private const ConversationState Stopped = ConversationState.Stopped;

    private readonly ReplyLifecycle _lifecycle = new();
    private readonly List<ConversationState> _seen = [];
    private int _replies;

    public ReplyLifecycleTests() => _lifecycle.StateChanged += _seen.Add;

    [Fact]
    public void A_new_lifecycle_listens_with_no_reply()
    {
        Assert.Equal(Listening, _lifecycle.State);
        Assert.Null(_lifecycle.Current);
        Assert.Empty(_seen);
    }

    [Fact]
    public void Begin_with_the_llm_thinks()
    {
        var reply = Llm();

        Assert.Null(_lifecycle.Begin(reply));

        Assert.Equal([Thinking], _seen);
        Assert.Same(reply, _lifecycle.Current);
    }

    [Fact]
    public void Begin_of_an_exact_line_speaks_at_once()
    {
        var reply = Say();

        Assert.Null(_lifecycle.Begin(reply));

        Assert.Equal([Speaking], _seen);
        Assert.Same(reply, _lifecycle.Current);
    }

    [Fact]
    public void The_first_clip_turns_thinking_into_speaking()
    {
        var reply = Llm();
        _lifecycle.Begin(reply);

        Assert.True(_lifecycle.ClipStarted(reply));

        Assert.Equal([Thinking, Speaking], _seen);
    }

    [Fact]
    public void Later_clips_of_a_speaking_reply_change_nothing()
    {
        var reply = Llm();
        _lifecycle.Begin(reply);
        _lifecycle.ClipStarted(reply);

        Assert.True(_lifecycle.ClipStarted(reply));

        Assert.Equal([Thinking, Speaking], _seen);
    }

    [Fact]
    public void Finished_with_everything_rendered_and_played_listens_again()
    {
        var reply = Llm();
        _lifecycle.Begin(reply);
        _lifecycle.ClipStarted(reply);
        reply.MarkRendered();

        Assert.True(_lifecycle.Finished(reply, () => true));

        Assert.Equal([Thinking, Speaking, Listening], _seen);
        Assert.Null(_lifecycle.Current);
    }

    [Theory]
    [InlineData(true, true, new[] { Thinking })]
    [InlineData(true, false, new[] { Thinking, Speaking })]
    [InlineData(false, true, new[] { Speaking, Thinking })]
    [InlineData(false, false, new[] { Speaking })]
    public void Begin_while_busy_replaces_the_reply_without_passing_through_listening(bool firstUsesLlm, bool secondUsesLlm, ConversationState[] expected)
    {
        var first = NewReply(firstUsesLlm);
        var second = NewReply(secondUsesLlm);
        _lifecycle.Begin(first);

        Assert.Same(first, _lifecycle.Begin(second));

        Assert.Equal(expected, _seen);
        Assert.Same(second, _lifecycle.Current);
    }

    [Fact]
    public void Begin_while_speaking_replaces_the_speaking_reply()
    {
        var first = Llm();
        _lifecycle.Begin(first);
        _lifecycle.ClipStarted(first);

        Assert.Same(first, _lifecycle.Begin(Say()));

        Assert.Equal([Thinking, Speaking], _seen);
    }

    [Theory]
    [InlineData(false, new[] { Thinking, Listening })]
    [InlineData(true, new[] { Thinking, Speaking, Listening })]
    public void Interrupt_returns_the_running_reply_and_listens(bool speaking, ConversationState[] expected)
    {
        var reply = Llm();
        _lifecycle.Begin(reply);
        if (speaking)
        {
            _lifecycle.ClipStarted(reply);
        }

        Assert.Same(reply, _lifecycle.Interrupt());

        Assert.Equal(expected, _seen);
        Assert.Null(_lifecycle.Current);
    }

    [Theory]
    [InlineData(false, new[] { Thinking, Listening })]
    [InlineData(true, new[] { Thinking, Speaking, Listening })]
    public void Fail_of_the_current_reply_listens(bool speaking, ConversationState[] expected)
    {
        var reply = Llm();
        _lifecycle.Begin(reply);
        if (speaking)
        {
            _lifecycle.ClipStarted(reply);
        }

        Assert.True(_lifecycle.Fail(reply));

        Assert.Equal(expected, _seen);
        Assert.Null(_lifecycle.Current);
    }

    [Fact]
    public void Stop_while_listening_is_final()
    {
        Assert.Null(_lifecycle.Stop());

        Assert.Equal([Stopped], _seen);
        Assert.Equal(Stopped, _lifecycle.State);
    }

    [Theory]
    [InlineData(false, new[] { Thinking, Stopped })]
    [InlineData(true, new[] { Thinking, Speaking, Stopped })]
    public void Stop_while_busy_returns_the_running_reply(bool speaking, ConversationState[] expected)
    {
        var reply = Llm();
        _lifecycle.Begin(reply);
        if (speaking)
        {
            _lifecycle.ClipStarted(reply);
        }

        Assert.Same(reply, _lifecycle.Stop());

        Assert.Equal(expected, _seen);
        Assert.Null(_lifecycle.Current);
    }

    [Fact]
    public void Signals_about_a_replaced_reply_change_nothing()
    {
        var old = Llm();
        var current = Llm();
        _lifecycle.Begin(old);
        old.MarkRendered();
        _lifecycle.Begin(current);

        Assert.False(_lifecycle.ClipStarted(old));
        Assert.False(_lifecycle.Finished(old, () => true));
        Assert.False(_lifecycle.Fail(old));

        Assert.Equal([Thinking], _seen);
        Assert.Same(current, _lifecycle.Current);
    }

    [Fact]
    public void The_idle_slot_of_a_replaced_speaking_reply_does_not_end_the_new_one()
    {
        // The pacer saw the old reply fully played and is about to end it; the user's next line begins first.
        var old = Say();
        _lifecycle.Begin(old);
        old.MarkRendered();
        var next = Say();
        _lifecycle.Begin(next);

        Assert.False(_lifecycle.Finished(old, () => true));

        Assert.Equal([Speaking], _seen);
        Assert.Equal(Speaking, _lifecycle.State);
        Assert.Same(next, _lifecycle.Current);
    }

    [Fact]
    public void Signals_with_no_reply_running_change_nothing()
    {
        var stranger = Say();
        stranger.MarkRendered();

        Assert.False(_lifecycle.ClipStarted(stranger));
        Assert.False(_lifecycle.Finished(stranger, () => true));
        Assert.False(_lifecycle.Fail(stranger));
        Assert.Null(_lifecycle.Interrupt());

        Assert.Empty(_seen);
        Assert.Equal(Listening, _lifecycle.State);
    }

    [Fact]
    public void Finished_before_the_reply_is_fully_rendered_keeps_speaking()
    {
        var reply = Say();
        _lifecycle.Begin(reply);
        bool queueAsked = false;

        Assert.False(_lifecycle.Finished(reply, () => queueAsked = true));

        Assert.False(queueAsked);
        Assert.Equal([Speaking], _seen);
        Assert.Same(reply, _lifecycle.Current);
    }

    [Fact]
    public void Finished_while_frames_are_still_queued_keeps_speaking()
    {
        var reply = Say();
        _lifecycle.Begin(reply);
        reply.MarkRendered();

        Assert.False(_lifecycle.Finished(reply, () => false));

        Assert.Equal([Speaking], _seen);
        Assert.Same(reply, _lifecycle.Current);
    }

    [Fact]
    public void After_stop_every_signal_is_a_no_op()
    {
        var reply = Llm();
        _lifecycle.Begin(reply);
        reply.MarkRendered();
        _lifecycle.Stop();

        Assert.False(_lifecycle.ClipStarted(reply));
        Assert.False(_lifecycle.Finished(reply, () => true));
        Assert.False(_lifecycle.Fail(reply));
        Assert.Null(_lifecycle.Interrupt());
        Assert.Null(_lifecycle.Stop());

        Assert.Equal([Thinking, Stopped], _seen);
        Assert.Equal(Stopped, _lifecycle.State);
    }

    [Fact]
    public void Begin_after_stop_throws()
    {
        _lifecycle.Stop();

        Assert.Throws<ObjectDisposedException>(() => _lifecycle.Begin(Say()));

        Assert.Equal([Stopped], _seen);
        Assert.Null(_lifecycle.Current);
    }

    [Fact]
    public void A_listener_may_call_back_in_while_a_state_is_raised()
    {
        // Handlers run under the lock; it is re-entrant, so a handler that reads the state sees the one just raised.
        var inside = new List<ConversationState>();
        _lifecycle.StateChanged += _ => inside.Add(_lifecycle.State);
        var reply = Say();
        _lifecycle.Begin(reply);
        reply.MarkRendered();
        _lifecycle.Finished(reply, () => true);

        Assert.Equal([Speaking, Listening], inside);
    }

    [Fact]
    public void Replacing_races_with_the_idle_slot_of_the_old_reply_without_ever_ending_the_new_one()
    {
        // The pacer thread ends the old reply while another thread begins the next: whichever wins, the next reply stays
        // current and speaking, and Listening is only ever seen before it began.
        const int Iterations = 10_000;
        using var phase = new Barrier(2);
        ActiveReply? old = null;
        bool ended = false;
        var pacer = new Thread(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                phase.SignalAndWait();
                ended = _lifecycle.Finished(old!, () => true);
                phase.SignalAndWait();
            }
        }) { IsBackground = true };
        pacer.Start();
        var broken = new List<string>();
        int endedCount = 0;
        for (int i = 0; i < Iterations; i++)
        {
            old = Say();
            _lifecycle.Begin(old);
            old.MarkRendered();
            var next = Say();
            _seen.Clear();
            phase.SignalAndWait();
            Thread.SpinWait(i % 4000); // varies who wins
            _lifecycle.Begin(next);
            phase.SignalAndWait();

            // Checked after the loop: a failed assertion here would leave the pacer thread waiting at the barrier.
            ConversationState[] expected = ended ? [Listening, Speaking] : [];
            if (_lifecycle.Current != next || _lifecycle.State != Speaking || !_seen.SequenceEqual(expected))
            {
                broken.Add($"race {i}: idle slot {(ended ? "won" : "lost")}, current {(_lifecycle.Current == next ? "next" : "not next")}, state {_lifecycle.State}, seen [{string.Join(", ", _seen)}]");
            }

            endedCount += ended ? 1 : 0;
        }

        pacer.Join();
        Console.WriteLine($"the idle slot won {endedCount} of {Iterations} races");
        Assert.Empty(broken);
    }

    private ActiveReply Llm() => NewReply(usesLlm: true);

    private ActiveReply Say() => NewReply(usesLlm: false);

    private ActiveReply NewReply(bool usesLlm) => new(new ReplyContext($"r{++_replies}", _ => { }), usesLlm);
}
