using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using WebAvatar.Conversation;

namespace WebAvatar.Pipeline.Telemetry;

/// <summary>
/// The app's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named <see cref="Name"/>, and the reply
/// instruments recorded on them. Session and transport figures are observed on the same meter by
/// <see cref="Live.SessionTelemetry"/> and the web app. Metric names and units are listed in the README ("Telemetry").
/// </summary>
public sealed class WebAvatarTelemetry : IDisposable
{
    public const string Name = "WebAvatar";

    /// <summary>Histogram buckets for reply timings in ms: fine where the latency budget is decided (100-1000 ms).</summary>
    private static readonly double[] LatencyBucketsMs = [10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 600, 750, 1000, 1500, 2000, 3000, 5000, 10000];

    private readonly bool _ownsMeter;

    /// <summary>Meters from <paramref name="meters"/> are disposed with it (the app's DI container); tests pass none.</summary>
    public WebAvatarTelemetry(IMeterFactory meters)
        : this(meters.Create(Name), ownsMeter: false)
    {
    }

    public WebAvatarTelemetry()
        : this(new Meter(Name), ownsMeter: true)
    {
    }

    private WebAvatarTelemetry(Meter meter, bool ownsMeter)
    {
        Meter = meter;
        _ownsMeter = ownsMeter;
        Source = new ActivitySource(Name);
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs };
        ReplyLatency = meter.CreateHistogram("webavatar.reply.latency", "ms",
            "Time from the end of the user's turn (or the text submit) to a milestone of the reply (tag stage); milestones a prepared reply reached before the end of the turn count as 0.",
            advice: buckets);
        StageDuration = meter.CreateHistogram("webavatar.reply.stage.duration", "ms",
            "How long one stage of a reply took (tag stage: asr, llm, segment, tts, lipsync, output); the same times as the reply trace's stage spans.",
            advice: buckets);
        Replies = meter.CreateCounter<long>("webavatar.replies", "{reply}",
            "Replies that ended, by kind (llm, say) and outcome (completed, interrupted, failed).");
        BargeIn = meter.CreateHistogram("webavatar.bargein.duration", "ms",
            "From the user's speech onset being detected while the avatar spoke to the reply being cut.",
            advice: buckets);
    }

    public Meter Meter { get; }

    public ActivitySource Source { get; }

    internal Histogram<double> ReplyLatency { get; }

    internal Histogram<double> StageDuration { get; }

    internal Counter<long> Replies { get; }

    internal Histogram<double> BargeIn { get; }

    /// <summary>A milestone of a reply, as <see cref="Session.ConversationSession.StageMeasured"/> reports it.</summary>
    internal void RecordMilestone(StageTiming timing)
    {
        if (timing.Stage == Stage.VadEnd)
        {
            return; // the reply's zero, always 0
        }

        ReplyLatency.Record(Math.Max(0, timing.SinceReplyStart.TotalMilliseconds), new KeyValuePair<string, object?>("stage", StageTag(timing.Stage)));
    }

    internal void RecordBargeIn(double milliseconds) => BargeIn.Record(milliseconds);

    /// <summary>The milestone's tag value, spelled as the session events spell it ("first-audio-out").</summary>
    public static string StageTag(Stage stage) => JsonNamingPolicy.KebabCaseLower.ConvertName(stage.ToString());

    public void Dispose()
    {
        Source.Dispose();
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
