using System.Diagnostics;
using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Tests.TestDoubles;
using WebAvatar.Testing;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Session;

/// <summary>Pause/resume of the avatar's speech (a suspected barge-in): nothing played while paused, nothing lost.</summary>
public class SpeechPauseTests
{
    private const string LongLine = "This is a long line that the operator typed so the avatar talks for several seconds at least.";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Pause_holds_the_reply_and_resume_plays_every_frame_in_order()
    {
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer, options: new PipelineOptions { MaxSpeechPauseMs = 10_000 });
        session.Output = sink;
        session.Start();
        var reply = session.Say(LongLine);
        await WaitForSpeechAsync(sink);

        Assert.True(session.PauseSpeech());
        Assert.True(session.IsSpeechPaused);
        await Task.Delay(100); // the slot in flight when pausing may still carry speech
        int spokenAtPause = sink.Frames.Count(f => f.Speaking);
        int slotsAtPause = sink.Frames.Count;
        var paused = Stopwatch.StartNew();
        await Task.Delay(400);

        // Half the slots the wall time allows: a stall on a loaded machine makes the pacer slip (it never bursts).
        var duringPause = sink.Frames.Skip(slotsAtPause).ToList();
        double expected = paused.Elapsed.TotalMilliseconds / MediaTiming.VideoFrameMs;
        Assert.True(duringPause.Count >= expected / 2, $"the clock stopped: {duringPause.Count} slots in {paused.Elapsed.TotalMilliseconds:F0} ms");
        Assert.All(duringPause, f => Assert.False(f.Speaking));
        Assert.All(duringPause, f => Assert.Equal(0, f.Rms));
        Assert.Equal(ConversationState.Speaking, session.State);

        session.ResumeSpeech();
        Assert.False(session.IsSpeechPaused);
        await reply.Spoken.WaitAsync(Timeout);

        var speech = sink.Frames.Where(f => f.Speaking).ToList();
        Assert.True(speech.Count > spokenAtPause, "speech went on after the resume");
        Assert.Equal(renderer.SpeechFramesRendered, speech.Count);
        Assert.All(speech, f => Assert.Equal(reply.ReplyId, f.ReplyId));
        Assert.Equal(ConversationState.Listening, session.State);
    }

    [Fact]
    public async Task Interrupt_after_a_pause_flushes_the_held_reply()
    {
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer, options: new PipelineOptions { MaxSpeechPauseMs = 10_000 });
        session.Output = sink;
        session.Start();
        var reply = session.Say(LongLine);
        await WaitForSpeechAsync(sink);

        Assert.True(session.PauseSpeech());
        await Task.Delay(100);
        int spokenAtPause = sink.Frames.Count(f => f.Speaking);
        session.Interrupt();
        await reply.Spoken.WaitAsync(Timeout);
        await Task.Delay(300);

        Assert.False(session.IsSpeechPaused);
        Assert.Equal(ConversationState.Listening, session.State);
        Assert.Equal(spokenAtPause, sink.Frames.Count(f => f.Speaking));
        Assert.True(spokenAtPause < renderer.SpeechFramesRendered, "the held frames were dropped, not played");

        // The next reply is not held.
        var next = session.Say("Next line, please.");
        await next.Spoken.WaitAsync(Timeout);
        Assert.Contains(sink.Frames, f => f.Speaking && f.ReplyId == next.ReplyId);
    }

    [Fact]
    public async Task Pause_when_the_avatar_is_not_speaking_is_a_no_op()
    {
        var sink = new CollectingSink();
        await using var session = SessionBuilder.Create(options: new PipelineOptions { MaxSpeechPauseMs = 10_000 });
        session.Output = sink;
        session.Start();

        Assert.False(session.PauseSpeech());
        Assert.False(session.IsSpeechPaused);
        session.ResumeSpeech();

        var reply = session.Say("Hello there.");
        await reply.Spoken.WaitAsync(Timeout);
        Assert.Contains(sink.Frames, f => f.Speaking && f.ReplyId == reply.ReplyId);
    }

    // A 200 ms hold is five 40 ms slots; the hold starts and ends between slots, so one slot either way is the pacing
    // granularity (160-240 ms). The median of five pauses in one reply: a single stall on two shared cores can slip one.
    [Fact]
    public async Task A_pause_nobody_ends_runs_out_after_its_200_ms_and_the_reply_finishes_whole()
    {
        const int Pauses = 5;
        var sink = new CollectingSink();
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer, options: new PipelineOptions { MaxSpeechPauseMs = 200 });
        session.Output = sink;
        session.Start();
        var reply = session.Say(LongLine + " " + LongLine + " " + LongLine);
        await WaitForSpeechAsync(sink);

        var framesAtPause = new List<int>();
        for (int i = 0; i < Pauses; i++)
        {
            framesAtPause.Add(sink.Frames.Count);
            Assert.True(session.PauseSpeech(), $"pause {i}: the avatar stopped speaking too early");
            await WaitUntilAsync(() => !session.IsSpeechPaused);
            await Task.Delay(300); // speech again before the next pause
        }

        await reply.Spoken.WaitAsync(Timeout);
        Assert.False(session.IsSpeechPaused);
        var frames = sink.Frames;
        Assert.Equal(renderer.SpeechFramesRendered, frames.Count(f => f.Speaking));

        // Each pause's silence: the run of idle slots that begins at or after the frame count when it started.
        var gaps = framesAtPause.Select(at =>
        {
            int start = Enumerable.Range(at, frames.Count - at).First(i => !frames[i].Speaking);
            return (double)LongestRun(frames.Skip(start).Select(f => !f.Speaking).TakeWhile(idle => idle));
        }).ToList();
        double median = Readings.Median(gaps);
        Assert.True(median is >= 4 and <= 6, $"200 ms pauses lasted {Readings.Format(gaps)} slots (5 expected)");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "timed out");
    }

    private static int LongestRun(IEnumerable<bool> flags)
    {
        int best = 0, run = 0;
        foreach (var flag in flags)
        {
            run = flag ? run + 1 : 0;
            best = Math.Max(best, run);
        }

        return best;
    }

    private static async Task WaitForSpeechAsync(CollectingSink sink)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!sink.Frames.Any(f => f.Speaking) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(sink.Frames.Any(f => f.Speaking), "the avatar never started speaking");
        await Task.Delay(200);
    }
}
