using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using WebAvatar.Conversation;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Speech;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// One person's conversation with one avatar: LLM -> segmenter -> TTS -> lip-sync, wired by bounded
/// channels, feeding the real-time pacer. Only one reply runs at a time; a new input or
/// <see cref="Interrupt"/> cancels the running reply's single token and flushes every queue, so the
/// avatar stops within one frame slot. Events are raised on background threads.
/// </summary>
public sealed partial class ConversationSession : IAsyncDisposable
{
    private readonly IChatClient _chat;
    private readonly ITextToSpeechClient _tts;
    private readonly IAvatarRenderer _renderer;
    private readonly PipelineOptions _options;
    private readonly LlmOptions _llmOptions;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _rendererGate = new(1, 1);
    private readonly Channel<AvFrame> _frames;
    private readonly RealtimePacer _pacer;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<ChatMessage> _history = [];
    private readonly ConcurrentQueue<TranscriptEntry> _transcript = new();
    private readonly ConcurrentDictionary<string, double> _engineMetrics = new();
    private readonly ReplyLifecycle _lifecycle = new();
    private int _replyCounter;

    public ConversationSession(
        string id,
        IChatClient chat,
        LlmStatus llm,
        ITextToSpeechClient tts,
        TextToSpeechOptions voice,
        IAvatarRenderer renderer,
        PipelineOptions options,
        LlmOptions llmOptions,
        ILogger logger)
    {
        Id = id;
        Llm = llm;
        Voice = voice;
        _chat = chat;
        _tts = tts;
        _renderer = renderer;
        _options = options;
        _llmOptions = llmOptions;
        _logger = logger;
        _frames = Channel.CreateBounded<AvFrame>(new BoundedChannelOptions(options.FrameQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _pacer = new RealtimePacer(_frames.Reader, RenderIdleAsync, IsCurrent, logger);
        _pacer.FrameEmitted += OnFrameEmitted;
        _pacer.IdleSlot += OnIdleSlot;
        _pacer.HoldExpired += () => LogPauseExpired(_logger, Id, _options.MaxSpeechPauseMs);
        _lifecycle.StateChanged += state => StateChanged?.Invoke(state);
        if (!string.IsNullOrWhiteSpace(llmOptions.SystemPrompt))
        {
            _history.Add(new ChatMessage(ChatRole.System, llmOptions.SystemPrompt));
        }
    }

    public string Id { get; }

    public LlmStatus Llm { get; }

    public TextToSpeechOptions Voice { get; }

    /// <summary>What the avatar says when a viewer first connects (a persona's greeting); null says nothing.</summary>
    public string? Greeting { get; set; }

    public string RendererName => _renderer.EngineName;

    /// <summary>Decoded microphone audio from the transports (16 kHz mono), read by voice input.</summary>
    public Voice.MicrophoneInput Microphone { get; } = new();

    public int Width => _renderer.Width;

    public int Height => _renderer.Height;

    public ConversationState State => _lifecycle.State;

    /// <summary>The reply state machine; tests replay the pacer's late signals on it.</summary>
    internal ReplyLifecycle Lifecycle => _lifecycle;

    public IReadOnlyCollection<TranscriptEntry> Transcript => _transcript.ToArray();

    public event Action<TranscriptEntry>? TranscriptUpdated;

    public event Action<ConversationState>? StateChanged;

    public event Action<StageTiming>? StageMeasured;

    /// <summary>A reply failed (LLM unreachable, unsupported voice...): the message is meant for the user.</summary>
    public event Action<string>? ErrorRaised;

    /// <summary>Latest engine figures reported by the TTS (first-audio ms, real-time factor), keyed as in <see cref="PcmAudioContent"/>.</summary>
    public IReadOnlyDictionary<string, double> EngineMetrics => _engineMetrics;

    /// <summary>Raised when an engine reports a figure (key, value).</summary>
    public event Action<string, double>? EngineMetricReported;

    /// <summary>Raised for every emitted 40 ms slot (speech and idle) — for fps/metrics and tests.</summary>
    public event Action<AvFrame>? FrameEmitted;

    /// <summary>Where paced A/V goes (the session encoder); null while nobody watches.</summary>
    public IAvFrameSink? Output
    {
        get => _pacer.Sink;
        set => _pacer.Sink = value;
    }

    public void Start() => _pacer.Start();

    /// <summary>The user said or typed <paramref name="text"/>: the LLM answers and the avatar speaks it.</summary>
    /// <param name="alreadyElapsed">Time since the user stopped speaking (VAD end) when the text comes from ASR.</param>
    public ReplyHandle SubmitUserText(string text, TimeSpan alreadyElapsed = default)
    {
        text = InputValidator.Validate(text, _options.MaxInputChars);
        return StartReply(text, useLlm: true, alreadyElapsed);
    }

    /// <summary>Throws <see cref="ArgumentException"/> (with a message for people) for text no reply would accept.</summary>
    public void ValidateInput(string? text) => InputValidator.Validate(text, _options.MaxInputChars);

    /// <summary>Shows what the user is saying while they still speak (a partial ASR result).</summary>
    public void ShowUserPartial(string utteranceId, string text) =>
        AddTranscript(new TranscriptEntry(utteranceId, TranscriptRole.User, text, false, DateTimeOffset.UtcNow));

    /// <summary>An operator line: the avatar says exactly <paramref name="text"/>, no LLM.</summary>
    public ReplyHandle Say(string text)
    {
        text = InputValidator.Validate(text, _options.MaxInputChars);
        return StartReply(text, useLlm: false, TimeSpan.Zero);
    }

    /// <summary>True while the avatar's speech is paused (see <see cref="PauseSpeech"/>).</summary>
    public bool IsSpeechPaused => _pacer.IsHeld;

    /// <summary>
    /// Suspected barge-in: from the next 40 ms slot the avatar falls silent (idle frames) while its reply stays queued,
    /// nothing dropped and the reply still rendering. <see cref="ResumeSpeech"/> continues exactly where it stopped,
    /// <see cref="Interrupt"/> cancels it; after <see cref="PipelineOptions.MaxSpeechPauseMs"/> it resumes by itself.
    /// A no-op returning false unless the avatar is speaking. Never blocks.
    /// </summary>
    public bool PauseSpeech()
    {
        if (_lifecycle.State != ConversationState.Speaking)
        {
            return false;
        }

        _pacer.Hold(TimeSpan.FromMilliseconds(_options.MaxSpeechPauseMs));
        LogPaused(_logger, Id);
        return true;
    }

    /// <summary>Ends a pause: the next slot plays the next queued frame of the reply. A no-op when not paused.</summary>
    public void ResumeSpeech()
    {
        if (_pacer.IsHeld)
        {
            _pacer.Release();
            LogResumed(_logger, Id);
        }
    }

    /// <summary>Barge-in: stop the running reply now and return to listening (ends a pause too).</summary>
    public void Interrupt()
    {
        _pacer.Release();
        Cancel(_lifecycle.Interrupt());
    }

    /// <summary>Drops the chat history (keeps the system prompt).</summary>
    public void ClearHistory()
    {
        lock (_history)
        {
            _history.RemoveAll(m => m.Role != ChatRole.System);
        }

        _transcript.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        _pacer.Release();
        Cancel(_lifecycle.Stop());
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _pacer.DisposeAsync().ConfigureAwait(false);
        Microphone.Complete();
        Flush();
        _renderer.Dispose();
        _lifetime.Dispose();
    }

    /// <summary>Cancels a reply the state machine gave up (its single token) and flushes the frame queue. Null is a no-op.</summary>
    private void Cancel(ActiveReply? reply)
    {
        if (reply is null)
        {
            return;
        }

        reply.Context.Cancel();
        Flush();
        reply.MarkSpoken();
        LogInterrupted(_logger, Id, reply.Context.ReplyId);
    }

    private ReplyHandle StartReply(string text, bool useLlm, TimeSpan alreadyElapsed)
    {
        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);

        var replyId = $"{Id}-r{Interlocked.Increment(ref _replyCounter)}";
        var context = new ReplyContext(replyId, OnStageMeasured, alreadyElapsed);
        var reply = new ActiveReply(context, useLlm);

        // A new turn replaces the running one without passing through Listening.
        _pacer.Release();
        Cancel(_lifecycle.Begin(reply));
        AddTranscript(new TranscriptEntry(replyId, useLlm ? TranscriptRole.User : TranscriptRole.System, text, true, DateTimeOffset.UtcNow));
        if (alreadyElapsed > TimeSpan.Zero)
        {
            // Voice input: the reply clock started at the end of the user's speech.
            OnStageMeasured(new StageTiming(replyId, Stage.VadEnd, TimeSpan.Zero));
            context.Mark(Stage.AsrFinal);
        }

        var rendered = Task.Run(() => RunReplyAsync(reply, text, useLlm));
        return new ReplyHandle(replyId, rendered, reply.Spoken);
    }

    private async Task RunReplyAsync(ActiveReply reply, string text, bool useLlm)
    {
        var context = reply.Context;
        var segments = Channel.CreateBounded<string>(_options.SegmentQueueCapacity);
        var clips = Channel.CreateBounded<SpeechClip>(_options.SpeechQueueCapacity);
        var speech = new SpeechStage(_tts, Voice, OnEngineMetric);
        var render = new RenderStage(_renderer, _rendererGate);
        try
        {
            Task<string> producer = useLlm
                ? new LlmStage(_chat, _options.MinSegmentChars).RunAsync(Conversation(text), segments.Writer, context, partial => AddAvatarText(context.ReplyId, partial, false))
                : WriteSegmentsAsync(text, segments.Writer, context.Token);
            var speaking = speech.RunAsync(segments.Reader, clips.Writer, context);
            var rendering = render.RunAsync(clips.Reader, _frames.Writer, context, () => _pacer.NextIndex + _frames.Reader.Count, _ => _lifecycle.ClipStarted(reply));
            var all = Task.WhenAll(producer, speaking, rendering);
            await all.ConfigureAwait(false);
            var replyText = await producer.ConfigureAwait(false);
            if (useLlm)
            {
                AddAvatarText(context.ReplyId, replyText, true);
                Remember(text, replyText);
            }
        }
        catch (OperationCanceledException) when (context.IsCancelled)
        {
        }
        catch (Exception ex)
        {
            var message = ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;
            LogReplyFailed(_logger, ex, Id, context.ReplyId);
            AddTranscript(new TranscriptEntry(context.ReplyId, TranscriptRole.System, "Error: " + message, true, DateTimeOffset.UtcNow));
            ErrorRaised?.Invoke(message);
            if (_lifecycle.Fail(reply))
            {
                Flush();
            }

            reply.MarkSpoken();
            throw;
        }
        finally
        {
            reply.MarkRendered();
        }
    }

    private static async Task<string> WriteSegmentsAsync(string text, ChannelWriter<string> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var segment in Segmentation.SentenceSegmenter.SplitAll(text))
            {
                await writer.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }

        return text;
    }

    private List<ChatMessage> Conversation(string userText)
    {
        lock (_history)
        {
            var messages = new List<ChatMessage>(_history) { new(ChatRole.User, userText) };
            return messages;
        }
    }

    private void Remember(string userText, string replyText)
    {
        lock (_history)
        {
            _history.Add(new ChatMessage(ChatRole.User, userText));
            _history.Add(new ChatMessage(ChatRole.Assistant, replyText));
            int keep = _llmOptions.HistoryMessages;
            int system = _history.Count(m => m.Role == ChatRole.System);
            while (_history.Count - system > keep)
            {
                _history.RemoveAt(system);
            }
        }
    }

    private void AddAvatarText(string replyId, string text, bool final) =>
        AddTranscript(new TranscriptEntry(replyId, TranscriptRole.Avatar, text, final, DateTimeOffset.UtcNow));

    private void AddTranscript(TranscriptEntry entry)
    {
        if (entry.IsFinal || entry.Role != TranscriptRole.Avatar)
        {
            _transcript.Enqueue(entry);
            while (_transcript.Count > 500 && _transcript.TryDequeue(out _))
            {
            }
        }

        TranscriptUpdated?.Invoke(entry);
    }

    private bool IsCurrent(AvFrame frame)
    {
        var current = _lifecycle.Current;
        return current is not null && frame.ReplyId == current.Context.ReplyId && !current.Context.IsCancelled;
    }

    private async ValueTask<VideoFrame> RenderIdleAsync(long index, CancellationToken cancellationToken)
    {
        await _rendererGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _renderer.RenderIdle(index);
        }
        finally
        {
            _rendererGate.Release();
        }
    }

    private void OnFrameEmitted(AvFrame frame)
    {
        if (frame.Speaking && _lifecycle.Current is { } reply && frame.ReplyId == reply.Context.ReplyId)
        {
            reply.Context.Mark(Stage.FirstAudioOut);
        }

        FrameEmitted?.Invoke(frame);
    }

    private void OnIdleSlot(long index)
    {
        // The reply is over once everything is rendered and the pacer found nothing left to play. The state machine
        // re-checks under its lock that this reply is still the current one: a reply begun meanwhile stays untouched.
        if (_lifecycle.Current is { IsRendered: true } reply && _lifecycle.Finished(reply, () => _frames.Reader.Count == 0))
        {
            _pacer.Release();
            reply.MarkSpoken();
        }
    }

    private void Flush()
    {
        while (_frames.Reader.TryRead(out var frame))
        {
            frame.Dispose();
        }
    }

    private void OnEngineMetric(string key, double value)
    {
        _engineMetrics[key] = value;
        EngineMetricReported?.Invoke(key, value);
    }

    private void OnStageMeasured(StageTiming timing)
    {
        LogStage(_logger, timing.ReplyId, timing.Stage, timing.SinceReplyStart.TotalMilliseconds);
        StageMeasured?.Invoke(timing);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId}: {Stage} at {Milliseconds:F0} ms")]
    private static partial void LogStage(ILogger logger, string replyId, Stage stage, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: reply {ReplyId} interrupted")]
    private static partial void LogInterrupted(ILogger logger, string sessionId, string replyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: speech paused")]
    private static partial void LogPaused(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: speech resumed")]
    private static partial void LogResumed(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: speech pause ran out after {Milliseconds} ms; resuming")]
    private static partial void LogPauseExpired(ILogger logger, string sessionId, int milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: reply {ReplyId} failed")]
    private static partial void LogReplyFailed(ILogger logger, Exception ex, string sessionId, string replyId);
}
