using System.Diagnostics;
using WebAvatar.Conversation;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// One reply in flight: its id, its cancellation, and the stopwatch every stage timing is measured on
/// (started when the user finished speaking or submitted text). A held context (a reply prepared before the end of the
/// user's turn was confirmed) keeps its stage marks until <see cref="Release"/> says when that end was, then reports them
/// against it: stages done ahead of the end come out negative.
/// </summary>
public sealed class ReplyContext
{
    private readonly Stopwatch _clock;
    private readonly Action<StageTiming> _report;
    private readonly HashSet<Stage> _reported = [];
    private readonly CancellationTokenSource _cancellation;

    private List<StageTiming>? _held;

    public ReplyContext(string replyId, Action<StageTiming> report, TimeSpan alreadyElapsed = default, bool held = false)
    {
        _held = held ? [] : null;
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
    public TimeSpan Offset { get; private set; }

    public TimeSpan Elapsed => Offset + _clock.Elapsed;

    /// <summary>True until <see cref="Release"/> for a held context.</summary>
    public bool IsHeld
    {
        get
        {
            lock (_reported)
            {
                return _held is not null;
            }
        }
    }

    /// <summary>Records the first occurrence of <paramref name="stage"/> for this reply; later calls are ignored.</summary>
    public void Mark(Stage stage)
    {
        lock (_reported)
        {
            if (!_reported.Add(stage))
            {
                return;
            }

            if (_held is not null)
            {
                _held.Add(new StageTiming(ReplyId, stage, _clock.Elapsed));
                return;
            }
        }

        _report(new StageTiming(ReplyId, stage, Elapsed));
    }

    /// <summary>
    /// Ends the hold: the reply's clock now reads <paramref name="alreadyElapsed"/> (the time since the user stopped
    /// speaking). Returns the marks made while held, measured on that clock (negative when they came before the end of
    /// speech), for the caller to report after its own; marks from now on are reported as they happen.
    /// </summary>
    public IReadOnlyList<StageTiming> Release(TimeSpan alreadyElapsed)
    {
        lock (_reported)
        {
            var held = _held ?? throw new InvalidOperationException($"Reply {ReplyId} is not held.");
            _held = null;
            Offset = alreadyElapsed - _clock.Elapsed;
            return held.Select(t => t with { SinceReplyStart = Offset + t.SinceReplyStart }).ToList();
        }
    }

    /// <remarks>Not linked to the session token on purpose: the session cancels its current reply itself, so no registration outlives a reply.</remarks>
    public void Cancel() => _cancellation.Cancel();
}
