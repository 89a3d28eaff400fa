using System.Diagnostics.Metrics;
using WebAvatar.Media;
using WebAvatar.Pipeline.Telemetry;
using WebAvatar.Sessions;

namespace WebAvatar.Pipeline.Live;

/// <summary>
/// Session figures on the app's meter: live sessions, viewers and fps (gauges), pacer stalls, voice turns and prepared
/// replies (counters), and barge-in times (from the sessions' events). Counters stay monotonic across sessions that end:
/// an ended session's last figures are added to a running total.
/// </summary>
public sealed class SessionTelemetry : IDisposable
{
    private readonly SessionRegistry _sessions;
    private readonly WebAvatarTelemetry _telemetry;
    private readonly Lock _gate = new();
    private readonly HashSet<LiveSession> _tracked = [];
    private Totals _ended;

    public SessionTelemetry(SessionRegistry sessions, WebAvatarTelemetry telemetry)
    {
        _sessions = sessions;
        _telemetry = telemetry;
        var meter = telemetry.Meter;
        meter.CreateObservableGauge("webavatar.sessions.active", () => sessions.Count, "{session}", "Live avatar sessions.");
        meter.CreateObservableGauge("webavatar.session.viewers", () => sessions.Sessions.Sum(s => s.Viewers.Count), "{viewer}", "Viewers attached to live sessions (WebRTC peers, pages), over all sessions.");
        meter.CreateObservableGauge("webavatar.session.frames", ObserveFps, "{frame}/s", "Frames a session emitted over the last second (tag session: the one-way key /api/metrics uses).");
        meter.CreateObservableCounter("webavatar.pacer.late_frames", () => Sum().LateFrames, "{frame}", "Pacer stalls: 40 ms slots emitted more than two slots late.");
        meter.CreateObservableCounter("webavatar.video.frames", ObserveVideoFrames, "{frame}",
            "Video frames sent, by source: encoded (rendered and encoded live) or replayed (a listening avatar's recorded idle loop, neither rendered nor encoded).");
        meter.CreateObservableCounter("webavatar.voice.turns", () => Sum().VoiceTurns, "{turn}", "User turns that ended with a transcript.");
        meter.CreateObservableCounter("webavatar.replies.prepared", ObservePrepared, "{reply}",
            "Replies prepared on a speculative transcript, by outcome: kept (the end of the turn confirmed them) or dropped.");
        sessions.SessionsChanged += Sync;
        sessions.EventPublished += OnEvent;
        Sync();
    }

    public void Dispose()
    {
        _sessions.SessionsChanged -= Sync;
        _sessions.EventPublished -= OnEvent;
    }

    private void OnEvent(SessionEvent e)
    {
        if (e is BargeInDetected bargeIn)
        {
            _telemetry.RecordBargeIn(bargeIn.Milliseconds);
        }
    }

    private IEnumerable<Measurement<double>> ObserveFps() =>
        _sessions.Sessions.Select(s => new Measurement<double>(s.Metrics.FramesPerSecond, new KeyValuePair<string, object?>("session", SessionKeys.Publish(s.Id))));

    private IEnumerable<Measurement<long>> ObservePrepared()
    {
        var sum = Sum();
        return
        [
            new(sum.Kept, new KeyValuePair<string, object?>("outcome", "kept")),
            new(sum.Dropped, new KeyValuePair<string, object?>("outcome", "dropped")),
        ];
    }

    private IEnumerable<Measurement<long>> ObserveVideoFrames()
    {
        var sum = Sum();
        return
        [
            new(sum.VideoEncoded, new KeyValuePair<string, object?>("source", "encoded")),
            new(sum.VideoReplayed, new KeyValuePair<string, object?>("source", "replayed")),
        ];
    }

    /// <summary>Totals over every session this process has run.</summary>
    private Totals Sum()
    {
        lock (_gate)
        {
            SyncLocked();
            return _tracked.Aggregate(_ended, (sum, s) => sum + Totals.Of(s));
        }
    }

    private void Sync()
    {
        lock (_gate)
        {
            SyncLocked();
        }
    }

    private void SyncLocked()
    {
        var live = _sessions.Sessions;
        _tracked.UnionWith(live);
        foreach (var gone in _tracked.Except(live).ToList())
        {
            _ended += Totals.Of(gone);
            _tracked.Remove(gone);
        }
    }

    private readonly record struct Totals(long LateFrames, long VoiceTurns, long Kept, long Dropped, long VideoEncoded, long VideoReplayed)
    {
        public static Totals Of(LiveSession session)
        {
            var preemption = session.Preemption;
            var media = session.Media;
            return new(
                session.Conversation.LateFrames,
                preemption.VoiceTurns,
                preemption.Kept,
                preemption.Dropped,
                media.EncodedCount(MediaCodec.H264) + media.EncodedCount(MediaCodec.Vp8),
                media.ReplayedCount(MediaCodec.H264) + media.ReplayedCount(MediaCodec.Vp8));
        }

        public static Totals operator +(Totals a, Totals b) =>
            new(a.LateFrames + b.LateFrames, a.VoiceTurns + b.VoiceTurns, a.Kept + b.Kept, a.Dropped + b.Dropped, a.VideoEncoded + b.VideoEncoded, a.VideoReplayed + b.VideoReplayed);
    }
}
