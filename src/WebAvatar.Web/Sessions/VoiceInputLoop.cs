using System.Diagnostics;
using WebAvatar.Conversation;
using WebAvatar.Pipeline.Session;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// Connects a session's microphone to voice input: mic PCM -> VAD/Whisper transcriber; speech onset while
/// the avatar talks interrupts it (barge-in); a final transcript becomes the user's turn, timed from the
/// end of speech. Guards against the avatar's own voice: the browser cancels echo, and onsets within
/// <see cref="EchoGuard"/> of the avatar starting to speak are ignored while its echo canceller converges.
/// </summary>
public sealed partial class VoiceInputLoop : IAsyncDisposable
{
    private static readonly TimeSpan EchoGuard = TimeSpan.FromMilliseconds(250);
    private readonly ConversationSession _session;
    private readonly StreamingTranscriber _transcriber;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _speakingSince = new();
    private readonly Stopwatch _sinceSpeechEnd = new();
    private Task? _pump;
    private Task? _recognizer;
    private Task? _events;

    public VoiceInputLoop(ConversationSession session, StreamingTranscriber transcriber, ILogger logger)
    {
        _session = session;
        _transcriber = transcriber;
        _logger = logger;
        session.StateChanged += OnStateChanged;
    }

    /// <summary>Time from the last detected speech onset to the interrupt call, for metrics.</summary>
    public event Action<TimeSpan>? BargeIn;

    public void Start()
    {
        var token = _stop.Token;
        _pump = Task.Run(() => PumpAsync(token), token);
        _recognizer = _transcriber.RunAsync(token);
        _events = Task.Run(() => HandleEventsAsync(token), token);
    }

    public async ValueTask DisposeAsync()
    {
        _session.StateChanged -= OnStateChanged;
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
            case SpeechStartedEvent:
                if (_session.State is ConversationState.Speaking or ConversationState.Thinking)
                {
                    if (_speakingSince.IsRunning && _speakingSince.Elapsed < EchoGuard)
                    {
                        LogEchoGuard(_logger, _session.Id);
                        break;
                    }

                    var clock = Stopwatch.StartNew();
                    _session.Interrupt();
                    LogBargeIn(_logger, _session.Id);
                    BargeIn?.Invoke(clock.Elapsed);
                }

                break;
            case PartialTranscriptEvent partial when !string.IsNullOrWhiteSpace(partial.Text):
                _session.ShowUserPartial($"utt-{partial.UtteranceId}", partial.Text);
                break;
            case SpeechEndedEvent:
                _sinceSpeechEnd.Restart();
                break;
            case FinalTranscriptEvent final when !string.IsNullOrWhiteSpace(final.Text):
                _session.SubmitUserText(final.Text, _sinceSpeechEnd.IsRunning ? _sinceSpeechEnd.Elapsed : TimeSpan.Zero);
                _sinceSpeechEnd.Reset();
                break;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: barge-in, reply interrupted")]
    private static partial void LogBargeIn(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: speech onset right after the avatar started talking ignored (echo guard)")]
    private static partial void LogEchoGuard(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voice input ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string reason);
}
