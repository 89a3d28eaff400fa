using System.Collections.Concurrent;
using System.Diagnostics;
using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Pipeline.Session;
using WebAvatar.Web.Sessions;

namespace WebAvatar.Web.Admin.Live;

/// <summary>
/// Watches every live session: counts emitted frames for fps and keeps the stage latencies of the last
/// replies. Session events arrive on pipeline threads; handlers only update counters under a lock.
/// </summary>
public sealed class LiveSessionMonitor : IHostedService, IDisposable
{
    /// <summary>Replies kept per session for the latency chart.</summary>
    public const int ReplyHistory = 10;

    /// <summary>Stages shown on the chart, in pipeline order.</summary>
    public static readonly Stage[] ChartStages = [Stage.AsrFinal, Stage.LlmFirstToken, Stage.TtsFirstAudio, Stage.LipSyncFirstFrame, Stage.FirstAudioOut];

    private readonly AvatarSessionManager _manager;
    private readonly Transport.WebRtc.Peers.WebRtcPeerManager? _peers;
    private readonly ConcurrentDictionary<string, Watched> _watched = new();

    public LiveSessionMonitor(AvatarSessionManager manager, Transport.WebRtc.Peers.WebRtcPeerManager? peers = null)
    {
        _manager = manager;
        _peers = peers;
    }

    /// <summary>Raised (on a pipeline thread) when a session appears, goes, changes state or measures a stage.</summary>
    public event Action? Changed;

    public IReadOnlyList<LiveSessionView> Snapshot()
    {
        Sync();
        return _manager.Sessions
            .Select(s => _watched.TryGetValue(s.Id, out var w) ? w.View() with { Viewers = _peers?.PeersOf(s.Id).Count ?? 0 } : null)
            .OfType<LiveSessionView>()
            .ToList();
    }

    public Task StopSessionAsync(string sessionId) => _manager.CloseAsync(sessionId);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _manager.SessionsChanged += OnSessionsChanged;
        Sync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _manager.SessionsChanged -= OnSessionsChanged;
        foreach (var id in _watched.Keys)
        {
            if (_watched.TryRemove(id, out var w))
            {
                w.Detach();
            }
        }
    }

    private void OnSessionsChanged()
    {
        Sync();
        Changed?.Invoke();
    }

    private void Sync()
    {
        var live = _manager.Sessions.ToDictionary(s => s.Id);
        foreach (var session in live.Values)
        {
            _watched.GetOrAdd(session.Id, _ => new Watched(session, () => Changed?.Invoke()));
        }

        foreach (var id in _watched.Keys.Where(id => !live.ContainsKey(id)))
        {
            if (_watched.TryRemove(id, out var gone))
            {
                gone.Detach();
            }
        }
    }

    private sealed class Watched
    {
        private readonly ConversationSession _session;
        private readonly Action _notify;
        private readonly Lock _lock = new();
        private readonly List<(string ReplyId, Dictionary<Stage, double> Ms, DateTimeOffset StartedAt)> _replies = [];
        private readonly Stopwatch _window = Stopwatch.StartNew();
        private long _framesInWindow;
        private double _fps;

        public Watched(ConversationSession session, Action notify)
        {
            _session = session;
            _notify = notify;
            session.StageMeasured += OnStage;
            session.FrameEmitted += OnFrame;
            session.StateChanged += OnState;
        }

        public void Detach()
        {
            _session.StageMeasured -= OnStage;
            _session.FrameEmitted -= OnFrame;
            _session.StateChanged -= OnState;
        }

        public LiveSessionView View()
        {
            lock (_lock)
            {
                RollWindow();
                var replies = _replies.Select(r => new ReplyLatency(r.ReplyId, new Dictionary<Stage, double>(r.Ms), r.StartedAt)).ToList();
                return new LiveSessionView(_session.Id, _session.State, _session.RendererName, _session.Llm.Provider, Math.Round(_fps, 1), 0, replies);
            }
        }

        private void OnStage(StageTiming timing)
        {
            lock (_lock)
            {
                var index = _replies.FindIndex(r => r.ReplyId == timing.ReplyId);
                if (index < 0)
                {
                    _replies.Add((timing.ReplyId, new Dictionary<Stage, double>(), default));
                    if (_replies.Count > ReplyHistory)
                    {
                        _replies.RemoveAt(0);
                    }

                    index = _replies.Count - 1;
                }

                _replies[index].Ms[timing.Stage] = timing.SinceReplyStart.TotalMilliseconds;
                // The wall-clock start follows from any stage measured as it happens; VadEnd is reported as 0 after
                // the fact (when the ASR final arrives), so it cannot date the reply.
                if (_replies[index].StartedAt == default && timing.Stage != Stage.VadEnd)
                {
                    _replies[index] = _replies[index] with { StartedAt = DateTimeOffset.UtcNow - timing.SinceReplyStart };
                }
            }

            _notify();
        }

        private void OnFrame(AvFrame frame)
        {
            lock (_lock)
            {
                _framesInWindow++;
                RollWindow();
            }
        }

        private void OnState(ConversationState state) => _notify();

        // fps over the last completed window of at least one second; called under the lock.
        private void RollWindow()
        {
            var elapsed = _window.Elapsed.TotalSeconds;
            if (elapsed >= 1)
            {
                _fps = _framesInWindow / elapsed;
                _framesInWindow = 0;
                _window.Restart();
            }
        }
    }
}
