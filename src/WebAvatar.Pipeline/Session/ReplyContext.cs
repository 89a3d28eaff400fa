using System.Diagnostics;
using WebAvatar.Conversation;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// One reply in flight: its id, its cancellation, and the stopwatch every stage timing is measured on
/// (started when the user finished speaking or submitted text).
/// </summary>
public sealed class ReplyContext
{
    private readonly Stopwatch _clock;
    private readonly Action<StageTiming> _report;
    private readonly HashSet<Stage> _reported = [];
    private readonly CancellationTokenSource _cancellation;

    public ReplyContext(string replyId, Action<StageTiming> report, TimeSpan alreadyElapsed = default)
    {
        ReplyId = replyId;
        _report = report;
        _clock = Stopwatch.StartNew();
        Offset = alreadyElapsed;
        _cancellation = new CancellationTokenSource();
    }

    public string ReplyId { get; }

    public CancellationToken Token => _cancellation.Token;

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    /// <summary>Time already spent before the context was created (e.g. VAD end to ASR final).</summary>
    public TimeSpan Offset { get; }

    public TimeSpan Elapsed => Offset + _clock.Elapsed;

    /// <summary>Records the first occurrence of <paramref name="stage"/> for this reply; later calls are ignored.</summary>
    public void Mark(Stage stage)
    {
        lock (_reported)
        {
            if (!_reported.Add(stage))
            {
                return;
            }
        }

        _report(new StageTiming(ReplyId, stage, Elapsed));
    }

    /// <remarks>Not linked to the session token on purpose: the session cancels its current reply itself, so no registration outlives a reply.</remarks>
    public void Cancel() => _cancellation.Cancel();
}
