using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Media.Rtmp;
using WebAvatar.Media.Session;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Voice;
using WebAvatar.Sessions;

namespace WebAvatar.Pipeline.Live;

/// <summary>
/// One live conversation and everything it owns: the conversation (reply state machine, pacer, renderer), voice input
/// (VAD, ASR, barge-in), the media encoder, its RTMP mirrors, the attached viewers, the holders that keep it alive, and
/// its metrics. Driven by plain <see cref="SessionCommand"/>s; reports plain <see cref="SessionEvent"/>s. Only the
/// <see cref="SessionRegistry"/> creates and disposes it, in a defined order.
/// </summary>
public sealed partial class LiveSession : IAsyncDisposable
{
    private readonly VoiceInput _voice;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<SpeakCommand> _queuedLines = new();
    private readonly ConcurrentDictionary<string, string> _mirrorLabels = new();
    private readonly ConcurrentDictionary<IMediaViewer, SessionLease> _viewers = new();
    private readonly List<SessionEventSubscription> _subscribers = [];
    private readonly Lock _subscribersGate = new();
    private readonly byte[] _resumeTokenHash;
    private readonly int _maxQueuedLines;
    private long _sequence;
    private int _greeted;
    private int _disposed;

    internal LiveSession(
        SessionSpec spec,
        SessionProfile profile,
        ConversationSession conversation,
        VoiceInput voice,
        SessionMediaEncoder media,
        RtmpMirrorSet mirrors,
        SessionLeases leases,
        SessionOptions options,
        ILogger logger)
    {
        Spec = spec;
        Profile = profile;
        Conversation = conversation;
        _voice = voice;
        Media = media;
        Mirrors = mirrors;
        Leases = leases;
        _logger = logger;
        _maxQueuedLines = options.MaxQueuedLines;
        CreatedAt = DateTimeOffset.UtcNow;
        ResumeToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        _resumeTokenHash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ResumeToken));

        conversation.Output = media;
        conversation.StateChanged += OnStateChanged;
        conversation.TranscriptUpdated += e => Publish(TranscriptUpdated.From(e, Id));
        conversation.StageMeasured += OnStageMeasured;
        conversation.ErrorRaised += message => Publish(new SessionError(message) { SessionId = Id });
        conversation.FrameEmitted += Metrics.OnFrame;
        voice.BargeIn += elapsed => Publish(new BargeInDetected(Math.Round(elapsed.TotalMilliseconds, 1)) { SessionId = Id });
    }

    public string Id => Conversation.Id;

    public SessionSpec Spec { get; }

    public SessionProfile Profile { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>
    /// A secret handed to the page (or client) that created the session, so that it alone can resume it after a reload;
    /// the session id is not enough (it appears in WHEP URLs).
    /// </summary>
    public string ResumeToken { get; }

    /// <summary>The conversation: the reply state machine, the pacer (the one media clock), the renderer.</summary>
    public ConversationSession Conversation { get; }

    /// <summary>The session's encoded output, shared by every viewer and mirror.</summary>
    public SessionMediaEncoder Media { get; }

    public RtmpMirrorSet Mirrors { get; }

    public SessionLeases Leases { get; }

    public SessionMetrics Metrics { get; } = new();

    /// <summary>Decoded microphone audio from the transports (16 kHz mono), read by voice input.</summary>
    public MicrophoneInput Microphone => Conversation.Microphone;

    public ConversationState State => Conversation.State;

    public IReadOnlyCollection<TranscriptEntry> Transcript => Conversation.Transcript;

    public IReadOnlyCollection<IMediaViewer> Viewers => _viewers.Keys.ToArray();

    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Every event of this session, raised on the thread where it happened (pacer, pipeline, caller). Handlers must not block.</summary>
    public event Action<SessionEvent>? EventRaised;

    /// <summary>Checks a resume token in constant time.</summary>
    public bool CanResumeWith(string? token) =>
        !string.IsNullOrEmpty(token)
        && CryptographicOperations.FixedTimeEquals(_resumeTokenHash, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    /// <summary>Carries out a command. Never throws for bad input: a refusal says why. Never blocks.</summary>
    public CommandResult Execute(SessionCommand command)
    {
        if (IsClosed)
        {
            return CommandResult.Refused("The session has ended.");
        }

        try
        {
            switch (command)
            {
                case SpeakCommand speak:
                    return Speak(speak);
                case InterruptCommand:
                    _queuedLines.Clear();
                    Conversation.Interrupt();
                    return CommandResult.Ok();
                case ClearHistoryCommand:
                    Conversation.ClearHistory();
                    return CommandResult.Ok();
                default:
                    return CommandResult.Refused($"Unknown command '{command.GetType().Name}'.");
            }
        }
        catch (ArgumentException ex)
        {
            return CommandResult.Refused(ex.Message);
        }
        catch (ObjectDisposedException)
        {
            return CommandResult.Refused("The session has ended.");
        }
    }

    /// <summary>
    /// Subscribes to this session's events from now on (a bounded queue: a reader that falls far behind loses the oldest
    /// events and sees a gap in <see cref="SessionEvent.Sequence"/>). Completes with <see cref="SessionEnded"/>.
    /// </summary>
    public SessionEventSubscription Subscribe(int capacity = 1024)
    {
        var subscription = new SessionEventSubscription(capacity, Unsubscribe);
        lock (_subscribersGate)
        {
            if (IsClosed)
            {
                subscription.Complete();
            }
            else
            {
                _subscribers.Add(subscription);
            }
        }

        return subscription;
    }

    /// <summary>
    /// Attaches a viewer (a WebRTC peer): it holds the session while fresh, gets the greeting when it is the first to connect,
    /// and is closed when the session ends. Dispose the handle when the viewer closes.
    /// </summary>
    public IDisposable AttachViewer(IMediaViewer viewer)
    {
        var lease = Leases.Watch(viewer);
        _viewers[viewer] = lease;
        if (IsClosed)
        {
            viewer.Close("session ended");
        }

        _ = viewer.Connected.ContinueWith(_ => GreetOnce(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return new Detach(this, viewer);
    }

    /// <summary>Starts mirroring to <paramref name="targetUrl"/>; <paramref name="label"/> (a stream target's id) is kept for dashboards.</summary>
    public RtmpMirrorStatus StartMirror(string targetUrl, string? label = null)
    {
        var status = Mirrors.Start(targetUrl);
        if (label is not null)
        {
            _mirrorLabels[status.Id] = label;
        }

        return status;
    }

    /// <summary>The label a mirror was started with, or null.</summary>
    public string? MirrorLabel(string mirrorId) => _mirrorLabels.TryGetValue(mirrorId, out var label) ? label : null;

    /// <summary>Voice turns and how the replies prepared on speculative transcripts fared.</summary>
    public PreemptionCounts Preemption => _voice.Preemption;

    public SessionSnapshot Snapshot() => new(
        Id,
        Spec.Kind,
        Spec.Mode,
        State,
        Profile.AvatarId,
        Profile.AvatarName,
        Conversation.RendererName,
        Conversation.Llm.Provider,
        Metrics.FramesPerSecond,
        _viewers.Count,
        Mirrors.List().Count,
        Leases.Active.Select(l => l.Kind.ToString().ToLowerInvariant()).ToList(),
        CreatedAt,
        Metrics.RecentReplies,
        _voice.Preemption);

    internal void Start()
    {
        Conversation.Start();
        _voice.Start();
    }

    /// <summary>
    /// Ends the session, parts in order: no more commands or holders; voice input stops (no new turns); the conversation
    /// stops (reply cancelled, pacer stopped); mirrors finish their streams; viewers close; the encoder is released; the
    /// last event is <see cref="SessionEnded"/>.
    /// </summary>
    internal async ValueTask CloseAsync(string reason)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queuedLines.Clear();
        Leases.Clear();
        await _voice.DisposeAsync().ConfigureAwait(false);
        await Conversation.DisposeAsync().ConfigureAwait(false);
        await Mirrors.DisposeAsync().ConfigureAwait(false);
        foreach (var viewer in _viewers.Keys)
        {
            viewer.Close("session ended: " + reason);
        }

        _viewers.Clear();
        Media.Dispose();
        Publish(new SessionEnded(reason) { SessionId = Id });
        SessionEventSubscription[] subscribers;
        lock (_subscribersGate)
        {
            subscribers = [.. _subscribers];
            _subscribers.Clear();
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Complete();
        }

        LogClosed(_logger, Id, reason);
    }

    public ValueTask DisposeAsync() => CloseAsync("disposed");

    private CommandResult Speak(SpeakCommand speak)
    {
        Conversation.ValidateInput(speak.Text);
        if (!speak.InterruptCurrent && (State != ConversationState.Listening || !_queuedLines.IsEmpty))
        {
            if (_queuedLines.Count >= _maxQueuedLines)
            {
                return CommandResult.Refused($"{_maxQueuedLines} lines are already waiting; try again when the avatar has said some of them.");
            }

            _queuedLines.Enqueue(speak);
            return CommandResult.Ok();
        }

        _queuedLines.Clear();
        return CommandResult.Ok(Start(speak).ReplyId);
    }

    private ReplyHandle Start(SpeakCommand speak) =>
        speak.Mode == SpeakMode.AskLlm ? Conversation.SubmitUserText(speak.Text) : Conversation.Say(speak.Text);

    private void OnStateChanged(ConversationState state)
    {
        Publish(new SessionStateChanged(state) { SessionId = Id });
        if (state == ConversationState.Listening && !_queuedLines.IsEmpty)
        {
            // Raised under the reply state machine's lock on the pacer thread: start the next line elsewhere.
            ThreadPool.UnsafeQueueUserWorkItem(_ => StartNextQueuedLine(), null);
        }
    }

    private void StartNextQueuedLine()
    {
        if (IsClosed || State != ConversationState.Listening || !_queuedLines.TryDequeue(out var next))
        {
            return;
        }

        try
        {
            Start(next);
        }
        catch (Exception ex) when (ex is ArgumentException or ObjectDisposedException)
        {
            Publish(new SessionError(ex.Message) { SessionId = Id });
        }
    }

    private void OnStageMeasured(StageTiming timing)
    {
        Metrics.OnStage(timing);
        Publish(new StageMeasured(timing.ReplyId, timing.Stage, Math.Round(timing.SinceReplyStart.TotalMilliseconds, 1)) { SessionId = Id });
    }

    private void GreetOnce()
    {
        if (Profile.Greeting is { Length: > 0 } greeting && !IsClosed && Interlocked.Exchange(ref _greeted, 1) == 0)
        {
            Execute(new SpeakCommand(greeting, SpeakMode.SayExactly, InterruptCurrent: false));
        }
    }

    private void Publish(SessionEvent e)
    {
        e = e with { Sequence = Interlocked.Increment(ref _sequence) };
        EventRaised?.Invoke(e);
        lock (_subscribersGate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Write(e);
            }
        }
    }

    private void Unsubscribe(SessionEventSubscription subscription)
    {
        lock (_subscribersGate)
        {
            _subscribers.Remove(subscription);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string sessionId, string reason);

    private sealed class Detach(LiveSession session, IMediaViewer viewer) : IDisposable
    {
        public void Dispose()
        {
            if (session._viewers.TryRemove(viewer, out var lease))
            {
                lease.Dispose();
            }
        }
    }
}
