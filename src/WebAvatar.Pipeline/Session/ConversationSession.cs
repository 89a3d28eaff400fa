using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using WebAvatar.Conversation;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Telemetry;
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
    private readonly IdleFrames _idleFrames;
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
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly WebAvatarTelemetry? _telemetry;
    private readonly ConcurrentDictionary<string, ReplyTrace> _traces = new(StringComparer.Ordinal);
    private PreparedReply? _prepared;
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
        ILogger logger,
        WebAvatarTelemetry? telemetry = null)
    {
        Id = id;
        Llm = llm;
        Voice = voice;
        _chat = chat;
        _tts = tts;
        _renderer = renderer;
        _idleFrames = new IdleFrames(renderer, options.IdleFrameHold);
        _options = options;
        _llmOptions = llmOptions;
        _logger = logger;
        _telemetry = telemetry;
        _frames = Channel.CreateBounded<AvFrame>(new BoundedChannelOptions(options.FrameQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _pacer = new RealtimePacer(_frames.Reader, RenderIdleSlotAsync, IsCurrent, logger, renderer.IdleLoopFrames);
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

    /// <summary>How the avatar's frames are arranged (side by side with opacity when its background is removed).</summary>
    public VideoLayout VideoLayout => _renderer.Layout;

    public int Height => _renderer.Height;

    public ConversationState State => _lifecycle.State;

    /// <summary>Pacer stalls so far: slots emitted more than two slots late (see <see cref="RealtimePacer.LateFrames"/>).</summary>
    public long LateFrames => _pacer.LateFrames;

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

    /// <summary>Whether voice input should prepare replies before the end of a turn is confirmed (<see cref="PipelineOptions.PreemptiveReplies"/>).</summary>
    public bool PreemptsReplies => _options.PreemptiveReplies;

    /// <summary>
    /// Starts a reply to what the user has probably finished saying, without showing, playing or remembering anything of
    /// it: <see cref="ConfirmReply"/> makes it the current reply (its held frames play at once), <see cref="DropReply"/>
    /// cancels it. At most one is prepared at a time: a new one drops the previous. Never blocks.
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty or too long.</exception>
    public PreparedReply PrepareReply(string text)
    {
        text = InputValidator.Validate(text, _options.MaxInputChars);
        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);

        var replyId = NextReplyId();
        var reply = new ActiveReply(new ReplyContext(replyId, OnStageMeasured, held: true), usesLlm: true);
        Trace(reply);
        var prepared = new PreparedReply(reply, text, _options.FrameQueueCapacity);
        if (Interlocked.Exchange(ref _prepared, prepared) is { } previous)
        {
            DropReply(previous);
        }

        prepared.Rendered = Track(Task.Run(() => RunReplyAsync(reply, text, useLlm: true, prepared)));
        LogPrepared(_logger, Id, replyId);
        return prepared;
    }

    /// <summary>
    /// The user's turn ended as <paramref name="prepared"/> guessed: it becomes the current reply (replacing any other), the
    /// user's line and the reply's text so far appear, its stage timings are reported against the end of speech
    /// (<paramref name="alreadyElapsed"/> ago) and its held frames go to the pacer. Null when it was dropped or failed
    /// meanwhile (then submit the text as usual).
    /// </summary>
    public ReplyHandle? ConfirmReply(PreparedReply prepared, TimeSpan alreadyElapsed)
    {
        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
        var reply = prepared.Reply;
        var context = reply.Context;
        lock (prepared.Gate)
        {
            if (!prepared.IsHeld)
            {
                return null;
            }

            Interlocked.CompareExchange(ref _prepared, null, prepared);
            _pacer.Release();
            Cancel(_lifecycle.Begin(reply));
            AddTranscript(new TranscriptEntry(context.ReplyId, TranscriptRole.User, prepared.Text, true, DateTimeOffset.UtcNow));
            OnStageMeasured(new StageTiming(context.ReplyId, Stage.VadEnd, TimeSpan.Zero));
            var held = context.Release(alreadyElapsed);
            context.Mark(Stage.AsrFinal);
            foreach (var timing in held)
            {
                OnStageMeasured(timing);
            }

            if (prepared.ClipStarted)
            {
                _lifecycle.ClipStarted(reply);
            }

            if (prepared.AvatarText is { } partial)
            {
                AddAvatarText(context.ReplyId, partial, false);
            }

            // The frames already rendered go to the pacer now, so the next slot plays the first one; the reply's own task
            // (woken on the thread pool, which lags under load) forwards the rest.
            while (prepared.Frames.Reader.TryPeek(out var frame) && _frames.Writer.TryWrite(frame))
            {
                prepared.Frames.Reader.TryRead(out _);
            }

            prepared.TryConfirm();
        }

        LogConfirmed(_logger, Id, context.ReplyId, prepared.Frames.Reader.Count);
        return new ReplyHandle(context.ReplyId, prepared.Rendered, reply.Spoken);
    }

    /// <summary>The guess was wrong: the prepared reply is cancelled and leaves no trace. A no-op once confirmed or dropped.</summary>
    public void DropReply(PreparedReply prepared)
    {
        lock (prepared.Gate)
        {
            if (!prepared.TryDrop())
            {
                return;
            }
        }

        Interlocked.CompareExchange(ref _prepared, null, prepared);
        prepared.Reply.Context.Cancel();
        prepared.Reply.MarkSpoken();
        LogDropped(_logger, Id, prepared.ReplyId);
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
        if (Interlocked.Exchange(ref _prepared, null) is { } prepared)
        {
            DropReply(prepared);
        }

        Cancel(_lifecycle.Stop());
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _pacer.DisposeAsync().ConfigureAwait(false);

        // Cancelled replies may still be inside the renderer: it is freed only after they have left it.
        await Task.WhenAll(_running.Keys).ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        Microphone.Complete();
        Flush();
        _idleFrames.Dispose();
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

        var replyId = NextReplyId();
        var context = new ReplyContext(replyId, OnStageMeasured, alreadyElapsed);
        var reply = new ActiveReply(context, useLlm);
        Trace(reply);

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

        var rendered = Track(Task.Run(() => RunReplyAsync(reply, text, useLlm, prepared: null)));
        return new ReplyHandle(replyId, rendered, reply.Spoken);
    }

    /// <summary>Follows the reply's milestones until it is spoken, interrupted, failed or dropped, then writes its trace.</summary>
    private void Trace(ActiveReply reply)
    {
        if (_telemetry is null)
        {
            return;
        }

        var context = reply.Context;
        // Session ids let anyone join over WHEP: traces name the session by its one-way key and the reply by its number.
        var number = context.ReplyId.StartsWith(Id + "-", StringComparison.Ordinal) ? context.ReplyId[(Id.Length + 1)..] : context.ReplyId;
        var trace = new ReplyTrace(_telemetry, SessionKeys.Publish(Id), number, reply.UsesLlm);
        _traces[context.ReplyId] = trace;
        reply.Spoken.ContinueWith(
            _ =>
            {
                _traces.TryRemove(context.ReplyId, out var _);
                trace.Finish(context);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private string NextReplyId() => $"{Id}-r{Interlocked.Increment(ref _replyCounter)}";

    private Task Track(Task reply)
    {
        _running.TryAdd(reply, 0);
        reply.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return reply;
    }

    /// <summary>Runs one reply to the end. A prepared reply renders into its hold and is forwarded once confirmed.</summary>
    private async Task RunReplyAsync(ActiveReply reply, string text, bool useLlm, PreparedReply? prepared)
    {
        var context = reply.Context;
        var segments = Channel.CreateBounded<string>(_options.SegmentQueueCapacity);
        var clips = Channel.CreateBounded<SpeechClip>(_options.SpeechQueueCapacity);
        var speech = new SpeechStage(_tts, Voice, OnEngineMetric);
        var render = new RenderStage(_renderer, _rendererGate);
        var forwarding = Task.CompletedTask;
        var finished = false;
        try
        {
            Task<string> producer = useLlm
                ? new LlmStage(_chat, _options.MinSegmentChars).RunAsync(Conversation(text), segments.Writer, context, partial => OnAvatarText(context.ReplyId, partial, prepared))
                : WriteSegmentsAsync(text, segments.Writer, context.Token);
            var speaking = speech.RunAsync(segments.Reader, clips.Writer, context);
            var output = prepared?.Frames.Writer ?? _frames.Writer;
            var rendering = render.RunAsync(clips.Reader, output, context, () => _pacer.NextIndex + _frames.Reader.Count, _ => OnClipStarted(reply, prepared));
            var all = Task.WhenAll(producer, speaking, rendering);
            if (prepared is null)
            {
                await all.ConfigureAwait(false);
            }
            else
            {
                forwarding = ForwardWhenConfirmedAsync(prepared, context.Token);
                try
                {
                    await all.ConfigureAwait(false);
                }
                finally
                {
                    prepared.Frames.Writer.TryComplete();
                }

                await forwarding.ConfigureAwait(false);
            }

            var replyText = await producer.ConfigureAwait(false);
            if (useLlm)
            {
                AddAvatarText(context.ReplyId, replyText, true);
                Remember(text, replyText);
            }

            finished = true;
        }
        catch (OperationCanceledException) when (context.IsCancelled)
        {
        }
        catch (Exception ex) when (prepared is not null && DropFailedWhileHeld(prepared, ex))
        {
        }
        catch (Exception ex)
        {
            var message = ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;
            LogReplyFailed(_logger, ex, Id, context.ReplyId);
            if (_traces.TryGetValue(context.ReplyId, out var trace))
            {
                trace.Fail();
            }

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
            if (prepared is not null && !finished)
            {
                // Stop the forwarder before emptying the hold it reads.
                context.Cancel();
                await forwarding.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                prepared.DisposeHeldFrames();
            }

            reply.MarkRendered();
        }
    }

    /// <summary>After the confirmation, moves the held frames (and those still coming) to the pacer's queue.</summary>
    private async Task ForwardWhenConfirmedAsync(PreparedReply prepared, CancellationToken cancellationToken)
    {
        await prepared.Confirmed.WaitAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var frame in prepared.Frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _frames.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
    }

    /// <summary>A stage of a reply nobody has seen yet failed: drop it silently (a confirmation then finds it gone).</summary>
    private bool DropFailedWhileHeld(PreparedReply prepared, Exception ex)
    {
        lock (prepared.Gate)
        {
            if (!prepared.TryDrop())
            {
                return false;
            }
        }

        Interlocked.CompareExchange(ref _prepared, null, prepared);
        LogHeldReplyFailed(_logger, ex, Id, prepared.ReplyId);
        prepared.Reply.MarkSpoken();
        return true;
    }

    private void OnAvatarText(string replyId, string text, PreparedReply? prepared)
    {
        if (prepared is not null)
        {
            lock (prepared.Gate)
            {
                if (prepared.IsHeld)
                {
                    prepared.AvatarText = text;
                    return;
                }
            }
        }

        AddAvatarText(replyId, text, false);
    }

    private void OnClipStarted(ActiveReply reply, PreparedReply? prepared)
    {
        if (prepared is not null)
        {
            lock (prepared.Gate)
            {
                if (prepared.IsHeld)
                {
                    prepared.ClipStarted = true;
                    return;
                }
            }
        }

        _lifecycle.ClipStarted(reply);
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

    /// <summary>The avatar at rest, as the session renders it (what a page shows before its video starts). The caller owns the frame.</summary>
    public ValueTask<VideoFrame> RenderStillAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
        return RenderIdleAsync(0, cancellationToken);
    }

    private ValueTask<VideoFrame> RenderIdleAsync(long index, CancellationToken cancellationToken) =>
        UnderRendererLockAsync(() => _renderer.RenderIdle(index), cancellationToken);

    /// <summary>The pacer's idle slots: each pose held for <see cref="PipelineOptions.IdleFrameHold"/> slots.</summary>
    private ValueTask<VideoFrame> RenderIdleSlotAsync(long index, CancellationToken cancellationToken) =>
        UnderRendererLockAsync(() => _idleFrames.Render(index), cancellationToken);

    private async ValueTask<VideoFrame> UnderRendererLockAsync(Func<VideoFrame> render, CancellationToken cancellationToken)
    {
        await _rendererGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return render();
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
        if (_traces.TryGetValue(timing.ReplyId, out var trace))
        {
            trace.Record(timing);
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: reply {ReplyId} prepared on a speculative transcript (held)")]
    private static partial void LogPrepared(ILogger logger, string sessionId, string replyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: prepared reply {ReplyId} confirmed with {Frames} frames ready")]
    private static partial void LogConfirmed(ILogger logger, string sessionId, string replyId, int frames);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: prepared reply {ReplyId} dropped (the user went on)")]
    private static partial void LogDropped(ILogger logger, string sessionId, string replyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: prepared reply {ReplyId} failed before it was confirmed; dropped")]
    private static partial void LogHeldReplyFailed(ILogger logger, Exception ex, string sessionId, string replyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: reply {ReplyId} failed")]
    private static partial void LogReplyFailed(ILogger logger, Exception ex, string sessionId, string replyId);
}
