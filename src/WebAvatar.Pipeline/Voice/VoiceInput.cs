using System.Diagnostics;
using Microsoft.Extensions.Logging;
using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Pipeline.Session;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Pipeline.Voice;

/// <summary>
/// Connects a session's microphone to voice input: mic PCM -> VAD/Whisper transcriber; a final transcript becomes the
/// user's turn, timed from the end of speech. Barge-in in two steps: the first VAD window that sounds like speech while
/// the avatar talks pauses it (nothing dropped), the confirmed onset interrupts it, a rejected one resumes it where it
/// stopped. Guards against the avatar's own voice: the browser cancels echo, and onsets within <see cref="EchoGuard"/>
/// of the avatar starting to speak are ignored while its echo canceller converges. Preemptive replies: a speculative
/// transcript (the user has probably finished) prepares a held reply; the final of that utterance confirms it when it
/// carries the same guess, anything else drops it.
/// </summary>
public sealed partial class VoiceInput : IAsyncDisposable
{
    private static readonly TimeSpan EchoGuard = TimeSpan.FromMilliseconds(250);
    private readonly ConversationSession _session;
    private readonly StreamingTranscriber _transcriber;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _speakingSince = new();
    private readonly Stopwatch _sinceSpeechEnd = new();
    private readonly MicLevelOnset _micOnset = new();
    private bool _pausedForCandidate;
    private PreparedReply? _prepared;
    private int _preparedFor;
    private long _voiceTurns;
    private long _preparedCount;
    private long _kept;
    private long _dropped;
    private long _awaitingSilentSlotSince;
    private Task? _pump;
    private Task? _recognizer;
    private Task? _events;

    public VoiceInput(ConversationSession session, StreamingTranscriber transcriber, ILogger logger)
    {
        _session = session;
        _transcriber = transcriber;
        _logger = logger;
        session.StateChanged += OnStateChanged;
        session.FrameEmitted += OnFrameEmitted;
    }

    /// <summary>Time from the last detected speech onset to the interrupt call, for metrics.</summary>
    public event Action<TimeSpan>? BargeIn;

    /// <summary>How preemptive replies fared so far.</summary>
    public PreemptionCounts Preemption => new(
        Interlocked.Read(ref _voiceTurns), Interlocked.Read(ref _preparedCount), Interlocked.Read(ref _kept), Interlocked.Read(ref _dropped));

    public void Start()
    {
        var token = _stop.Token;
        _pump = Task.Run(() => PumpAsync(token), token);
        _recognizer = _transcriber.RunAsync(token);
        _events = Task.Run(() => HandleEventsAsync(token), token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _session.StateChanged -= OnStateChanged;
        _session.FrameEmitted -= OnFrameEmitted;
        await _stop.CancelAsync();
        _transcriber.Complete();
        foreach (var task in new[] { _pump, _recognizer, _events })
        {
            if (task is not null)
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        await _transcriber.DisposeAsync();
        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        await foreach (var chunk in _session.Microphone.Chunks.ReadAllAsync(cancellationToken))
        {
            if (_logger.IsEnabled(LogLevel.Debug) && _micOnset.Update(chunk))
            {
                LogMicOnset(_logger, _session.Id, NowMs());
            }

            _transcriber.Write(chunk);
        }

        _transcriber.Complete();
    }

    private async Task HandleEventsAsync(CancellationToken cancellationToken)
    {
        await foreach (var e in _transcriber.Events.ReadAllAsync(cancellationToken))
        {
            try
            {
                Handle(e);
            }
            catch (ArgumentException ex)
            {
                LogIgnored(_logger, ex.Message);
            }
        }
    }

    private void Handle(TranscriptionEvent e)
    {
        switch (e)
        {
            case SpeechCandidateEvent:
                if (_session.State == ConversationState.Speaking && !InEchoGuard() && _session.PauseSpeech())
                {
                    _pausedForCandidate = true;
                    WatchForSilentSlot();
                    LogPausedForCandidate(_logger, _session.Id, NowMs());
                }

                break;
            case SpeechCandidateRejectedEvent:
                if (_pausedForCandidate)
                {
                    _pausedForCandidate = false;
                    _session.ResumeSpeech();
                    LogFalseAlarm(_logger, _session.Id, NowMs());
                }

                break;
            case SpeechStartedEvent:
                _pausedForCandidate = false;
                if (_session.State is ConversationState.Speaking or ConversationState.Thinking)
                {
                    if (InEchoGuard())
                    {
                        LogEchoGuard(_logger, _session.Id);
                        break;
                    }

                    var clock = Stopwatch.StartNew();
                    WatchForSilentSlot();
                    _session.Interrupt();
                    LogBargeIn(_logger, _session.Id, NowMs());
                    BargeIn?.Invoke(clock.Elapsed);
                }

                break;
            case PartialTranscriptEvent partial when !string.IsNullOrWhiteSpace(partial.Text):
                _session.ShowUserPartial($"utt-{partial.UtteranceId}", partial.Text);
                break;
            case SpeculativeTranscriptEvent guess when _session.PreemptsReplies:
                DropPrepared();
                _preparedFor = guess.UtteranceId;
                _prepared = _session.PrepareReply(guess.Text);
                Interlocked.Increment(ref _preparedCount);
                break;
            case SpeculationDroppedEvent dropped when dropped.UtteranceId == _preparedFor:
                DropPrepared();
                break;
            case SpeechEndedEvent:
                _sinceSpeechEnd.Restart();
                break;
            case FinalTranscriptEvent final:
                OnFinal(final);
                break;
        }
    }

    private void OnFinal(FinalTranscriptEvent final)
    {
        var elapsed = _sinceSpeechEnd.IsRunning ? _sinceSpeechEnd.Elapsed : TimeSpan.Zero;
        _sinceSpeechEnd.Reset();
        if (_prepared is { } prepared && final.Speculative && final.UtteranceId == _preparedFor && final.Text == prepared.Text)
        {
            _prepared = null;
            if (_session.ConfirmReply(prepared, elapsed) is not null)
            {
                Interlocked.Increment(ref _kept);
                Interlocked.Increment(ref _voiceTurns);
                LogFinal(_logger, _session.Id, elapsed.TotalMilliseconds, "kept the prepared reply");
                return;
            }

            // It failed while held: answer afresh below.
            Interlocked.Increment(ref _dropped);
        }

        DropPrepared();
        if (string.IsNullOrWhiteSpace(final.Text))
        {
            return;
        }

        Interlocked.Increment(ref _voiceTurns);
        LogFinal(_logger, _session.Id, elapsed.TotalMilliseconds, "reply started");
        _session.SubmitUserText(final.Text, elapsed);
    }

    private void DropPrepared()
    {
        if (_prepared is { } prepared)
        {
            _prepared = null;
            _session.DropReply(prepared);
            Interlocked.Increment(ref _dropped);
        }
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private bool InEchoGuard() => _speakingSince.IsRunning && _speakingSince.Elapsed < EchoGuard;

    private void WatchForSilentSlot()
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Interlocked.CompareExchange(ref _awaitingSilentSlotSince, NowMs(), 0);
        }
    }

    private void OnFrameEmitted(AvFrame frame)
    {
        if (!frame.Speaking && Interlocked.Read(ref _awaitingSilentSlotSince) is var since and not 0)
        {
            Interlocked.Exchange(ref _awaitingSilentSlotSince, 0);
            LogSilentSlot(_logger, _session.Id, NowMs(), NowMs() - since);
        }
    }

    private void OnStateChanged(ConversationState state)
    {
        if (state == ConversationState.Speaking)
        {
            _speakingSince.Restart();
        }
        else if (state == ConversationState.Listening)
        {
            _speakingSince.Reset();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: barge-in, reply interrupted at {UnixMs}")]
    private static partial void LogBargeIn(ILogger logger, string sessionId, long unixMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: possible speech onset, avatar paused at {UnixMs}")]
    private static partial void LogPausedForCandidate(ILogger logger, string sessionId, long unixMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: speech onset not confirmed, avatar resumed at {UnixMs}")]
    private static partial void LogFalseAlarm(ILogger logger, string sessionId, long unixMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: microphone level onset at {UnixMs}")]
    private static partial void LogMicOnset(ILogger logger, string sessionId, long unixMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: first silent slot left the pacer at {UnixMs} ({Milliseconds} ms after the pause or interrupt)")]
    private static partial void LogSilentSlot(ILogger logger, string sessionId, long unixMs, long milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: final transcript {Milliseconds:F0} ms after the end of speech was confirmed: {Outcome}")]
    private static partial void LogFinal(ILogger logger, string sessionId, double milliseconds, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: speech onset right after the avatar started talking ignored (echo guard)")]
    private static partial void LogEchoGuard(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voice input ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string reason);
}
