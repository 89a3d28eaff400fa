using System.Diagnostics;
using WebAvatar.Conversation;
using WebAvatar.Media;

namespace WebAvatar.Pipeline.Live;

/// <summary>
/// A session's running figures: emitted frames per second and the stage latencies of its last replies. Fed from the
/// pacer thread and the pipeline; readers get copies. Thread-safe.
/// </summary>
public sealed class SessionMetrics
{
    /// <summary>Replies kept for the latency chart.</summary>
    public const int ReplyHistory = 10;

    /// <summary>Stages shown on charts, in pipeline order.</summary>
    public static readonly Stage[] ChartStages = [Stage.AsrFinal, Stage.LlmFirstToken, Stage.TtsFirstAudio, Stage.LipSyncFirstFrame, Stage.FirstAudioOut];

    private readonly Lock _lock = new();
    private readonly List<(string ReplyId, Dictionary<Stage, double> Ms, DateTimeOffset StartedAt)> _replies = [];
    private readonly Stopwatch _window = Stopwatch.StartNew();
    private long _framesInWindow;
    private double _fps;

    public double FramesPerSecond
    {
        get
        {
            lock (_lock)
            {
                RollWindow();
                return Math.Round(_fps, 1);
            }
        }
    }

    public IReadOnlyList<ReplyLatency> RecentReplies
    {
        get
        {
            lock (_lock)
            {
                return _replies.Select(r => new ReplyLatency(r.ReplyId, new Dictionary<Stage, double>(r.Ms), r.StartedAt)).ToList();
            }
        }
    }

    internal void OnFrame(AvFrame frame)
    {
        lock (_lock)
        {
            _framesInWindow++;
            RollWindow();
        }
    }

    internal void OnStage(StageTiming timing)
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
    }

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
