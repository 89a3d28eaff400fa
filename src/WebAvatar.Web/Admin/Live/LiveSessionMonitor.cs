using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;

namespace WebAvatar.Web.Admin.Live;

/// <summary>
/// The dashboard's view of the registry: snapshots of every live session and one change signal. Keeps no per-session
/// state; each session owns its own figures (<see cref="SessionMetrics"/>).
/// </summary>
public sealed class LiveSessionMonitor : IDisposable
{
    /// <summary>Replies kept per session for the latency chart.</summary>
    public const int ReplyHistory = SessionMetrics.ReplyHistory;

    private readonly SessionRegistry _registry;

    public LiveSessionMonitor(SessionRegistry registry)
    {
        _registry = registry;
        _registry.SessionsChanged += OnSessionsChanged;
        _registry.EventPublished += OnEvent;
    }

    /// <summary>Stages shown on the chart, in pipeline order.</summary>
    public static IReadOnlyList<Conversation.Stage> ChartStages => SessionMetrics.ChartStages;

    /// <summary>Raised (on a pipeline thread) when a session appears, goes, changes state or measures a stage.</summary>
    public event Action? Changed;

    public IReadOnlyList<SessionSnapshot> Snapshot() => _registry.Sessions.Select(s => s.Snapshot()).OrderBy(s => s.CreatedAt).ToList();

    /// <summary>What a session stopped by the admin tells its page and clients.</summary>
    public const string StopReason = "stopped from the dashboard";

    public void Dispose()
    {
        _registry.SessionsChanged -= OnSessionsChanged;
        _registry.EventPublished -= OnEvent;
    }

    private void OnSessionsChanged() => Changed?.Invoke();

    private void OnEvent(SessionEvent e)
    {
        if (e is SessionStateChanged or StageMeasured)
        {
            Changed?.Invoke();
        }
    }
}
