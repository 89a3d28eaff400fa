using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Telemetry;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Telemetry;

/// <summary>One trace per reply with a span per stage, and the stage histograms, as the session's own marks time them.</summary>
public sealed class ReplyTelemetryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const double ToleranceMs = 1;

    private readonly WebAvatarTelemetry _telemetry = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Stage)> _measurements = new();
    private readonly ActivityListener _tracing;
    private readonly MeterListener _metrics = new();

    public ReplyTelemetryTests()
    {
        // Only this test's source and meter: sessions of tests running beside it have their own.
        _tracing = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _telemetry.Source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_tracing);
        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _telemetry.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _metrics.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? stage = null;
            foreach (var tag in tags)
            {
                stage = tag.Key == "stage" ? tag.Value as string : stage;
            }

            _measurements.Enqueue((instrument.Name, value, stage));
        });
        _metrics.Start();
    }

    [Fact]
    public async Task A_typed_reply_makes_one_trace_whose_stage_spans_match_its_marks()
    {
        await using var session = SessionBuilder.Create(telemetry: _telemetry);
        var marks = Marks(session);
        session.Start();

        var reply = session.SubmitUserText("Hello there, how are you today?");
        await reply.Spoken.WaitAsync(Timeout);
        var (root, stages) = await TraceOfAsync(session, reply.ReplyId);

        Assert.Equal(default, root.ParentSpanId);
        Assert.Equal("r1", root.GetTagItem("webavatar.reply.id"));
        Assert.Equal("completed", root.GetTagItem("webavatar.reply.outcome"));
        Assert.Equal(SessionKeys.Publish(session.Id), root.GetTagItem("webavatar.session.key"));
        Assert.Equal(["llm", "segment", "tts", "lipsync", "output"], stages.Select(s => s.OperationName));
        Assert.All(stages, s => Assert.Equal(root.TraceId, s.TraceId));

        // A typed reply's work starts at its zero: each stage runs from the previous mark to its own.
        AssertSpan(stages[0], root.StartTimeUtc, TimeSpan.Zero, marks[Stage.LlmFirstToken]);
        AssertSpan(stages[1], root.StartTimeUtc, marks[Stage.LlmFirstToken], marks[Stage.FirstSegment]);
        AssertSpan(stages[2], root.StartTimeUtc, marks[Stage.FirstSegment], marks[Stage.TtsFirstAudio]);
        AssertSpan(stages[3], root.StartTimeUtc, marks[Stage.TtsFirstAudio], marks[Stage.LipSyncFirstFrame]);
        AssertSpan(stages[4], root.StartTimeUtc, marks[Stage.LipSyncFirstFrame], marks[Stage.FirstAudioOut]);
        Assert.True(root.StartTimeUtc + root.Duration >= stages[4].StartTimeUtc + stages[4].Duration);

        // The histograms got the same figures.
        foreach (var span in stages)
        {
            Assert.Contains(_measurements, m => m.Instrument == "webavatar.reply.stage.duration" && m.Stage == span.OperationName
                && Math.Abs(m.Value - span.Duration.TotalMilliseconds) <= ToleranceMs);
        }

        Assert.Contains(_measurements, m => m.Instrument == "webavatar.reply.latency" && m.Stage == "first-audio-out"
            && Math.Abs(m.Value - marks[Stage.FirstAudioOut].TotalMilliseconds) < 0.01);
    }

    [Fact]
    public async Task A_prepared_reply_shows_its_stages_before_the_end_of_the_turn_as_they_happened()
    {
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer, telemetry: _telemetry);
        var marks = Marks(session);
        session.Start();

        var prepared = session.PrepareReply("What is the weather like?");
        await WaitUntilAsync(() => renderer.SpeechFramesRendered >= 5);
        await Task.Delay(100);
        var handle = session.ConfirmReply(prepared, TimeSpan.FromMilliseconds(40));
        Assert.NotNull(handle);
        await handle.Spoken.WaitAsync(Timeout);
        var (root, spans) = await TraceOfAsync(session, handle.ReplyId);

        var stages = spans.ToDictionary(s => s.OperationName);
        Assert.Equal(["asr", "lipsync", "llm", "output", "segment", "tts"], stages.Keys.Order());
        var asr = stages["asr"];
        var llm = stages["llm"];
        var endOfTurn = asr.StartTimeUtc;
        AssertSpan(asr, endOfTurn, TimeSpan.Zero, marks[Stage.AsrFinal]);
        Assert.InRange(asr.Duration.TotalMilliseconds, 40 - ToleranceMs, 80);

        // The model answered before the user's turn ended: its span starts and ends before the ASR span.
        Assert.True(marks[Stage.LlmFirstToken] < TimeSpan.Zero);
        Assert.True(llm.StartTimeUtc + llm.Duration < endOfTurn, "the LLM span ends before the end of the turn");
        Assert.Equal(root.StartTimeUtc, llm.StartTimeUtc);
        AssertSpan(llm, endOfTurn, marks[Stage.LlmFirstToken] - llm.Duration, marks[Stage.LlmFirstToken]);
        AssertSpan(stages["tts"], endOfTurn, marks[Stage.FirstSegment], marks[Stage.TtsFirstAudio]);
        AssertSpan(stages["output"], endOfTurn, marks[Stage.LipSyncFirstFrame], marks[Stage.FirstAudioOut]);
    }

    [Fact]
    public async Task A_prepared_reply_dropped_before_its_confirmation_leaves_no_trace()
    {
        var renderer = new FlatAvatarRenderer();
        await using var session = SessionBuilder.Create(renderer: renderer, telemetry: _telemetry);
        session.Start();
        var prepared = session.PrepareReply("What is the weather like?");
        await WaitUntilAsync(() => renderer.SpeechFramesRendered >= 5);
        session.DropReply(prepared);
        var reply = session.SubmitUserText("Something else.");
        await reply.Spoken.WaitAsync(Timeout);
        await TraceOfAsync(session, reply.ReplyId);

        Assert.Equal(["r2"], _spans.Where(s => s.OperationName == "reply").Select(s => s.GetTagItem("webavatar.reply.id")));
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _metrics.Dispose();
        _telemetry.Dispose();
    }

    private static ConcurrentDictionary<Stage, TimeSpan> Marks(ConversationSession session)
    {
        var marks = new ConcurrentDictionary<Stage, TimeSpan>();
        session.StageMeasured += t => marks.TryAdd(t.Stage, t.SinceReplyStart);
        return marks;
    }

    /// <summary>A span runs from <paramref name="from"/> to <paramref name="to"/> on the reply's clock, whose zero is <paramref name="zero"/>.</summary>
    private static void AssertSpan(Activity span, DateTime zero, TimeSpan from, TimeSpan to)
    {
        Assert.True(Math.Abs((span.StartTimeUtc - zero - from).TotalMilliseconds) <= ToleranceMs, $"{span.OperationName} starts at {(span.StartTimeUtc - zero).TotalMilliseconds:F1} ms, its mark at {from.TotalMilliseconds:F1}");
        Assert.True(Math.Abs((span.Duration - (to - from)).TotalMilliseconds) <= ToleranceMs, $"{span.OperationName} lasts {span.Duration.TotalMilliseconds:F1} ms, its marks {(to - from).TotalMilliseconds:F1}");
    }

    private async Task<(Activity Root, List<Activity> Stages)> TraceOfAsync(ConversationSession session, string replyId)
    {
        Assert.StartsWith(session.Id + "-", replyId);
        var number = replyId[(session.Id.Length + 1)..];
        Activity? root = null;
        await WaitUntilAsync(() => (root = _spans.FirstOrDefault(s => s.OperationName == "reply" && s.GetTagItem("webavatar.reply.id") as string == number)) is not null);
        var stages = _spans.Where(s => s.ParentSpanId == root!.SpanId).OrderBy(s => s.StartTimeUtc).ThenBy(s => s.StartTimeUtc + s.Duration).ToList();
        return (root!, stages);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
