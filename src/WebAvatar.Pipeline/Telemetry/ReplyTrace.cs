using System.Diagnostics;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Session;

namespace WebAvatar.Pipeline.Telemetry;

/// <summary>
/// The telemetry of one reply: its milestones as they are reported, and when it ends, one trace (root span "reply", a child
/// span per stage) and the stage durations. Spans carry the times things really happened: a prepared reply's stages may
/// start before the end of the user's turn, and its "output" span includes the wait for the confirmation.
/// </summary>
internal sealed class ReplyTrace(WebAvatarTelemetry telemetry, string sessionKey, string replyId, bool usesLlm)
{
    /// <summary>Stages after the model, each running from the previous milestone of this chain to its own.</summary>
    private static readonly (string Name, Stage End)[] Chain =
    [
        ("llm", Stage.LlmFirstToken),
        ("segment", Stage.FirstSegment),
        ("tts", Stage.TtsFirstAudio),
        ("lipsync", Stage.LipSyncFirstFrame),
        ("output", Stage.FirstAudioOut),
    ];

    private readonly Dictionary<Stage, TimeSpan> _marks = [];
    private bool _failed;

    public void Record(StageTiming timing)
    {
        lock (_marks)
        {
            _marks.TryAdd(timing.Stage, timing.SinceReplyStart);
        }

        telemetry.RecordMilestone(timing);
    }

    public void Fail() => _failed = true;

    /// <summary>
    /// The reply was spoken, interrupted, failed or dropped: writes its trace and stage durations. A prepared reply dropped
    /// before its confirmation (still held) was never seen by the user and leaves nothing.
    /// </summary>
    public void Finish(ReplyContext context)
    {
        if (context.IsHeld)
        {
            return;
        }

        var end = DateTimeOffset.UtcNow;
        var zero = end - context.Elapsed; // the end of the user's turn, or the submit: every mark counts from here
        var workStart = zero + context.Offset; // when the reply's own work began (before zero for a prepared reply)
        Dictionary<Stage, TimeSpan> marks;
        lock (_marks)
        {
            marks = new(_marks);
        }

        var stages = Stages(marks, workStart - zero).Select(s => (s.Name, Start: zero + s.Start, End: zero + s.End)).ToList();
        string outcome = _failed ? "failed" : context.IsCancelled ? "interrupted" : "completed";
        string kind = usesLlm ? "llm" : "say";
        foreach (var stage in stages)
        {
            telemetry.StageDuration.Record((stage.End - stage.Start).TotalMilliseconds, new KeyValuePair<string, object?>("stage", stage.Name));
        }

        telemetry.Replies.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
        WriteTrace(stages, workStart < zero ? workStart : zero, end, kind, outcome);
    }

    /// <summary>Each stage whose end milestone was reached, as offsets from the reply's zero.</summary>
    private IEnumerable<(string Name, TimeSpan Start, TimeSpan End)> Stages(Dictionary<Stage, TimeSpan> marks, TimeSpan workStart)
    {
        if (marks.TryGetValue(Stage.VadEnd, out var vadEnd) && marks.TryGetValue(Stage.AsrFinal, out var asrFinal))
        {
            yield return ("asr", vadEnd, asrFinal);
        }

        var previous = workStart;
        foreach (var (name, endStage) in Chain)
        {
            if (endStage == Stage.LlmFirstToken && !usesLlm)
            {
                continue;
            }

            if (!marks.TryGetValue(endStage, out var endAt))
            {
                if (endStage is Stage.LlmFirstToken or Stage.FirstSegment)
                {
                    continue; // a say line has neither: its speech stage starts with the work
                }

                yield break; // cut before this stage ended: later ones never ran
            }

            yield return (name, previous, endAt < previous ? previous : endAt);
            previous = endAt < previous ? previous : endAt;
        }
    }

    private void WriteTrace(List<(string Name, DateTimeOffset Start, DateTimeOffset End)> stages, DateTimeOffset start, DateTimeOffset end, string kind, string outcome)
    {
        var parent = Activity.Current;
        Activity.Current = null; // one trace per reply: never a child of whatever request or reply ran on this thread
        try
        {
            using var root = telemetry.Source.StartActivity("reply", ActivityKind.Internal, parentContext: default, startTime: start);
            if (root is null)
            {
                return; // nobody listens
            }

            root.SetTag("webavatar.session.key", sessionKey);
            root.SetTag("webavatar.reply.id", replyId);
            root.SetTag("webavatar.reply.kind", kind);
            root.SetTag("webavatar.reply.outcome", outcome);
            if (outcome == "failed")
            {
                root.SetStatus(ActivityStatusCode.Error);
            }

            foreach (var (name, stageStart, stageEnd) in stages)
            {
                using var span = telemetry.Source.StartActivity(name, ActivityKind.Internal, root.Context, startTime: stageStart);
                span?.SetEndTime(EndAfter(stageStart, stageEnd));
            }

            root.SetEndTime(EndAfter(start, end));
        }
        finally
        {
            Activity.Current = parent;
        }
    }

    // Activity.Stop stamps "now" on a span whose duration is still zero.
    private static DateTime EndAfter(DateTimeOffset start, DateTimeOffset end) =>
        (end > start ? end : start.AddTicks(1)).UtcDateTime;
}
