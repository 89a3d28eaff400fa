using WebAvatar.Conversation;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Session;

/// <summary>
/// A reply replaced while the pacer reports the idle slot that would end the old one (the pacer read the old reply as
/// current, then the user's next line began): the new reply must play to its end and the state must not flash to Listening.
/// The pacer is started only after the race (or never), so the test plays the pacer's part at exact moments.
/// </summary>
public class ReplyLifecycleSessionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_late_idle_slot_for_the_replaced_reply_leaves_the_new_one_speaking_to_its_end()
    {
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer);
        var states = new List<ConversationState>();
        session.StateChanged += state => { lock (states) { states.Add(state); } };
        session.Output = sink;

        var first = session.Say("Hi.");
        await first.Rendered.WaitAsync(Timeout);
        int firstFrames = renderer.SpeechFramesRendered;
        var old = session.Lifecycle.Current; // what the pacer's idle slot read: the old reply, fully rendered
        Assert.Equal(first.ReplyId, old?.Context.ReplyId);
        Assert.True(old!.IsRendered);

        var second = session.Say("Second line.");
        Assert.False(session.Lifecycle.Finished(old, () => true));

        Assert.Equal(ConversationState.Speaking, session.State);
        Assert.Equal(second.ReplyId, session.Lifecycle.Current?.Context.ReplyId);
        Assert.True(first.Spoken.IsCompleted, "the replaced reply counts as spoken (cancelled)");
        Assert.False(second.Spoken.IsCompleted);

        session.Start();
        await second.Spoken.WaitAsync(Timeout);
        await second.Rendered.WaitAsync(Timeout);

        Assert.Equal([ConversationState.Speaking, ConversationState.Listening], states);
        var speech = sink.Frames.Where(f => f.Speaking).ToList();
        Assert.Equal(renderer.SpeechFramesRendered - firstFrames, speech.Count);
        Assert.All(speech, f => Assert.Equal(second.ReplyId, f.ReplyId));
    }

    [Fact]
    public async Task Replacing_a_reply_while_its_idle_slot_ends_it_never_ends_the_new_one()
    {
        const int Iterations = 300;
        // Never started: no pacer drains the frame queue, so it must hold the frames a cancelled render may still write.
        await using var session = SessionBuilder.Create(options: new PipelineOptions { FrameQueueCapacity = 10_000 });
        var states = new List<ConversationState>();
        session.StateChanged += state => { lock (states) { states.Add(state); } };
        int idleSlotWon = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var first = session.Say("Hi.");
            await first.Rendered.WaitAsync(Timeout);
            var old = session.Lifecycle.Current!;
            lock (states)
            {
                states.Clear();
            }

            using var phase = new Barrier(2);
            bool ended = false;
            var pacer = new Thread(() =>
            {
                phase.SignalAndWait();
                ended = session.Lifecycle.Finished(old, () => true);
            }) { IsBackground = true };
            pacer.Start();
            phase.SignalAndWait();
            Thread.SpinWait(i * 37 % 4000); // varies who wins
            var next = session.Say("Next.");
            pacer.Join();

            ConversationState[] expected = ended ? [ConversationState.Listening, ConversationState.Speaking] : [];
            lock (states)
            {
                Assert.True(expected.SequenceEqual(states), $"race {i}: idle slot {(ended ? "won" : "lost")}, states seen [{string.Join(", ", states)}]");
            }

            Assert.Equal(ConversationState.Speaking, session.State);
            Assert.Equal(next.ReplyId, session.Lifecycle.Current?.Context.ReplyId);
            Assert.False(next.Spoken.IsCompleted, $"race {i}: the new reply was ended");
            idleSlotWon += ended ? 1 : 0;
            session.Interrupt();
        }

        Console.WriteLine($"the idle slot won {idleSlotWon} of {Iterations} races");
    }
}
