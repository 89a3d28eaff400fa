using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Media;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Turns one microphone stream into transcription events. <see cref="Write"/> copies 16 kHz PCM into a queue and never
/// blocks; <see cref="RunAsync"/> runs the VAD over it, keeps the utterance (with pre-roll) and re-decodes the growing
/// utterance for partials at most every <see cref="WhisperOptions.PartialIntervalMs"/> (unless the recognizer declines
/// them: <see cref="IUtteranceRecognizer.DecodesPartials"/>), never two decodes at once, and
/// decodes the whole utterance at its end (or at the 30 s cap). The end decode starts speculatively at the first silent
/// window after speech (the VAD's tentative end): if the silence lasts it becomes the final without waiting for another
/// decode; if speech resumes it is discarded and the utterance goes on. When that decode finishes before the end is
/// confirmed it is announced as a <see cref="SpeculativeTranscriptEvent"/> (so a reply can be prepared on it), followed by
/// either the final with <c>Speculative</c> set or a <see cref="SpeculationDroppedEvent"/>. Decoding runs off the VAD loop, so barge-in detection
/// never waits for Whisper, and a final may arrive after the next utterance has started (match by UtteranceId).
/// Without a recogniser the finals are empty (barge-in still works). One per session; owns its detector.
/// </summary>
public sealed class StreamingTranscriber : IAudioInputSink, IAsyncDisposable
{
    private const int PieceSamples = 512;
    private const int QueueCapacity = 1000;

    private readonly VoiceActivityDetector _vad;
    private readonly IUtteranceRecognizer? _recognizer;
    private readonly WhisperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<(short[] Buffer, int Length)> _input;
    private readonly Channel<TranscriptionEvent> _events = Channel.CreateUnbounded<TranscriptionEvent>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly AudioHistory _history;
    private readonly UtteranceBuffer _utterance;
    private readonly int _preRollSamples;
    private readonly int _tailSamples = MediaTiming.PipelineSampleRate / 10;
    private readonly List<VoiceActivityEvent> _vadEvents = new(4);
    private readonly float[] _piece = new float[PieceSamples];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _eventGate = new();
    private int _openUtterance;
    private SpeculativeFinal? _speculative;
    private int _decodesInFlight;
    private long _speculativeUsed;
    private long _speculativeDiscarded;
    private Task _lastDecode = Task.CompletedTask;
    private CancellationTokenSource? _partialCancel;
    private long _utteranceStart;
    private int _utteranceId;
    private long _lastPartialTicks;
    private long _droppedChunks;
    private long _chunksProcessed;
    private Task? _run;
    private int _disposed;

    public StreamingTranscriber(
        VoiceActivityDetector vad,
        IUtteranceRecognizer? recognizer,
        WhisperOptions options,
        VadOptions vadOptions,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        _vad = vad;
        _vad.ReportTentativeEvents = true;
        _recognizer = recognizer;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _preRollSamples = vadOptions.PreRollMs * MediaTiming.PipelineSampleRate / 1000;
        _history = new AudioHistory(_preRollSamples + (vadOptions.MinSpeechMs + 1000) * MediaTiming.PipelineSampleRate / 1000);
        _utterance = new UtteranceBuffer(options.MaxUtteranceSeconds * MediaTiming.PipelineSampleRate);
        _input = Channel.CreateBounded<(short[], int)>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                ArrayPool<short>.Shared.Return(dropped.Item1);
                Interlocked.Increment(ref _droppedChunks);
            });
    }

    /// <summary>Transcription events in order. Completes when <see cref="RunAsync"/> ends.</summary>
    public ChannelReader<TranscriptionEvent> Events => _events.Reader;

    /// <summary>The recognizer's engine name, or <see cref="RecognizerSelection.Disabled"/> without one (endpoints only).</summary>
    public string EngineName => _recognizer?.EngineName ?? RecognizerSelection.Disabled;

    /// <summary>True while the user is speaking.</summary>
    public bool IsSpeaking => _vad.IsSpeaking;

    /// <summary>Audio chunks dropped because the processing loop fell more than ~1000 chunks behind.</summary>
    public long DroppedChunks => Interlocked.Read(ref _droppedChunks);

    /// <summary>Whisper decodes started and not finished yet (partials, finals, speculative finals).</summary>
    public int DecodesInFlight => Volatile.Read(ref _decodesInFlight);

    /// <summary>Finals that came from a decode started at the tentative end of speech.</summary>
    public long SpeculativeFinalsUsed => Interlocked.Read(ref _speculativeUsed);

    /// <summary>Speculative end decodes thrown away because the user went on speaking.</summary>
    public long SpeculativeFinalsDiscarded => Interlocked.Read(ref _speculativeDiscarded);

    /// <summary>Chunks the processing loop has run through the VAD (for tests that need the loop idle).</summary>
    internal long ChunksProcessed => Interlocked.Read(ref _chunksProcessed);

    /// <summary>Queues a copy of <paramref name="samples"/> (16 kHz mono); never blocks. The caller keeps the span.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        var buffer = ArrayPool<short>.Shared.Rent(samples.Length);
        samples.CopyTo(buffer);
        if (!_input.Writer.TryWrite((buffer, samples.Length)))
        {
            ArrayPool<short>.Shared.Return(buffer);
        }
    }

    /// <summary>No more audio: <see cref="RunAsync"/> finishes the current utterance and completes.</summary>
    public void Complete() => _input.Writer.TryComplete();

    /// <summary>
    /// Processes queued audio until <see cref="Complete"/> (then drains, finalises and returns) or cancellation
    /// (then returns without a final for the utterance in progress). Call once.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("StreamingTranscriber.RunAsync may only be called once.");
        }

        _run = RunCoreAsync(cancellationToken);
        return _run;
    }

    /// <summary>Stops the run (no final for an utterance in progress), waits for it and releases the detector.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _input.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        while (_input.Reader.TryRead(out var chunk))
        {
            ArrayPool<short>.Shared.Return(chunk.Buffer);
        }

        _vad.Dispose();
        _partialCancel?.Dispose();
        _stop.Dispose();
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var token = linked.Token;
        try
        {
            await foreach (var (buffer, length) in _input.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try
                {
                    Process(buffer.AsSpan(0, length), token);
                }
                finally
                {
                    ArrayPool<short>.Shared.Return(buffer);
                    Interlocked.Increment(ref _chunksProcessed);
                }
            }

            _vadEvents.Clear();
            _vad.ForceEnd(_vadEvents);
            HandleVadEvents(token);
            await WaitForDecodesAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _partialCancel?.Cancel();
            await WaitForDecodesAsync().ConfigureAwait(false);
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private void Process(ReadOnlySpan<short> samples, CancellationToken token)
    {
        while (!samples.IsEmpty)
        {
            var n = Math.Min(samples.Length, PieceSamples);
            var piece = _piece.AsSpan(0, n);
            for (var i = 0; i < n; i++)
            {
                piece[i] = samples[i] / 32768f;
            }

            samples = samples[n..];
            var wasSpeaking = _vad.IsSpeaking;
            _history.Append(piece);
            if (wasSpeaking)
            {
                _utterance.Append(piece);
            }

            _vadEvents.Clear();
            _vad.Process(piece, _vadEvents);
            if (_vad.IsSpeaking && _utterance.IsFull && _vadEvents.Count == 0)
            {
                _logger.LogInformation("Utterance reached {Seconds} s: cutting it", _options.MaxUtteranceSeconds);
                _vad.ForceEnd(_vadEvents);
            }

            HandleVadEvents(token);
            if (_vad.IsSpeaking)
            {
                MaybeStartPartial(token);
            }
        }
    }

    private void HandleVadEvents(CancellationToken token)
    {
        foreach (var e in _vadEvents)
        {
            switch (e.Kind)
            {
                case VoiceActivityKind.SpeechCandidate:
                    _events.Writer.TryWrite(new SpeechCandidateEvent(_utteranceId + 1, e.SamplePosition));
                    break;
                case VoiceActivityKind.CandidateRejected:
                    _events.Writer.TryWrite(new SpeechCandidateRejectedEvent(_utteranceId + 1, e.SamplePosition));
                    break;
                case VoiceActivityKind.SpeechStart:
                    OnSpeechStart(e.SamplePosition);
                    break;
                case VoiceActivityKind.TentativeEnd when _options.SpeculativeFinal:
                    StartSpeculativeFinal(e.SamplePosition + _tailSamples, token);
                    break;
                case VoiceActivityKind.SpeechResumed:
                    DiscardSpeculativeFinal(e.SamplePosition);
                    break;
                case VoiceActivityKind.SpeechEnd:
                    OnSpeechEnd(e.SamplePosition, token);
                    break;
            }
        }
    }

    private void OnSpeechStart(long position)
    {
        _utteranceId++;
        _utterance.Clear();
        _utteranceStart = _history.CopySince(position - _preRollSamples, _utterance);
        _lastPartialTicks = _time.GetTimestamp();
        lock (_eventGate)
        {
            _openUtterance = _utteranceId;
            _events.Writer.TryWrite(new SpeechStartedEvent(_utteranceId, position));
        }
    }

    private void OnSpeechEnd(long position, CancellationToken token)
    {
        var end = position + _tailSamples;
        var speculative = _speculative is { } bet && bet.UtteranceId == _utteranceId && bet.EndSample == end ? bet : null;
        bool announced = false;

        // Under the gate so no partial of this utterance can follow its end event, and an announcement of its
        // speculative transcript either precedes the end event or never comes.
        lock (_eventGate)
        {
            _openUtterance = 0;
            if (speculative is not null)
            {
                announced = speculative.State == SpeculationState.Announced;
                speculative.State = SpeculationState.Closed;
            }

            _events.Writer.TryWrite(new SpeechEndedEvent(_utteranceId, position));
        }

        if (speculative is not null)
        {
            _speculative = null;
            _utterance.Clear();
            Interlocked.Increment(ref _speculativeUsed);
            _lastDecode = EmitFinalAsync(speculative.UtteranceId, speculative.StartSample, speculative.EndSample, speculative.Decode, announced);
            return;
        }

        // Ended elsewhere than the silence the speculation bet on (the 30 s cap, end of input): decode afresh.
        DiscardSpeculativeFinal(position);
        _utterance.Truncate((int)(end - _utteranceStart));
        StartFinal(token);
    }

    /// <summary>Decodes the utterance as if it ended at <paramref name="end"/>, before the VAD is sure it did.</summary>
    private void StartSpeculativeFinal(long end, CancellationToken token)
    {
        DiscardSpeculativeFinal(end);
        var length = (int)(end - _utteranceStart);
        if (_recognizer is null || length <= 0)
        {
            return;
        }

        _partialCancel?.Cancel();

        // The tail past the first silent window is not heard yet: zeros, as Whisper pads its input anyway.
        var cancel = new CancellationTokenSource();
        var decode = DecodeUtterance(_recognizer, length, RecognitionPass.Final, token, cancel.Token);
        var speculative = new SpeculativeFinal(_utteranceId, _utteranceStart, end, decode, cancel);
        _speculative = speculative;
        _lastDecode = decode;
        _ = AnnounceAsync(speculative);
    }

    /// <summary>Reports the speculative transcript if it is ready while the bet is still open.</summary>
    private async Task AnnounceAsync(SpeculativeFinal speculative)
    {
        WhisperTranscription result;
        try
        {
            result = await speculative.Decode.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Discarded, shut down, or failed (the final's own path reports failures).
            return;
        }

        if (string.IsNullOrWhiteSpace(result.Text))
        {
            return;
        }

        lock (_eventGate)
        {
            if (speculative.State == SpeculationState.Pending)
            {
                speculative.State = SpeculationState.Announced;
                _events.Writer.TryWrite(new SpeculativeTranscriptEvent(speculative.UtteranceId, speculative.EndSample, result.Text));
            }
        }
    }

    private void DiscardSpeculativeFinal(long position)
    {
        if (_speculative is not { } speculative)
        {
            return;
        }

        _speculative = null;
        speculative.Cancel.Cancel();
        Interlocked.Increment(ref _speculativeDiscarded);
        lock (_eventGate)
        {
            if (speculative.State == SpeculationState.Announced)
            {
                _events.Writer.TryWrite(new SpeculationDroppedEvent(speculative.UtteranceId, position));
            }

            speculative.State = SpeculationState.Closed;
        }
    }

    private async Task EmitFinalAsync(int id, long start, long end, Task<WhisperTranscription> decode, bool speculative = false)
    {
        try
        {
            var result = await decode.ConfigureAwait(false);
            _events.Writer.TryWrite(new FinalTranscriptEvent(id, end, result.Text, start, result, speculative));
        }
        catch (OperationCanceledException)
        {
            // Session ended before the utterance was decoded.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Transcription of utterance {Id} failed", id);
            _events.Writer.TryWrite(new FinalTranscriptEvent(id, end, string.Empty, start, null));
        }
    }

    private void MaybeStartPartial(CancellationToken token)
    {
        if (_recognizer is null || !_recognizer.DecodesPartials || _speculative is not null || !_lastDecode.IsCompleted || _utterance.Length < MediaTiming.PipelineSampleRate / 2
            || _time.GetElapsedTime(_lastPartialTicks) < TimeSpan.FromMilliseconds(_options.PartialIntervalMs))
        {
            return;
        }

        _lastPartialTicks = _time.GetTimestamp();
        _partialCancel?.Dispose();
        _partialCancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        var decode = DecodeUtterance(_recognizer, _utterance.Length, RecognitionPass.Partial, _partialCancel.Token);
        _lastDecode = EmitPartialAsync(_utteranceId, _utteranceStart + _utterance.Length, decode);
    }

    private async Task EmitPartialAsync(int id, long position, Task<WhisperTranscription> decode)
    {
        try
        {
            var result = await decode.ConfigureAwait(false);
            lock (_eventGate)
            {
                if (id == _openUtterance && result.Text.Length > 0)
                {
                    _events.Writer.TryWrite(new PartialTranscriptEvent(id, position, result.Text));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Superseded by the final decode or shut down.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Partial transcription failed");
        }
    }

    private void StartFinal(CancellationToken token)
    {
        var id = _utteranceId;
        var start = _utteranceStart;
        var end = _utteranceStart + _utterance.Length;
        if (_recognizer is null)
        {
            _events.Writer.TryWrite(new FinalTranscriptEvent(id, end, string.Empty, start, null));
            return;
        }

        _partialCancel?.Cancel();
        var decode = DecodeUtterance(_recognizer, _utterance.Length, RecognitionPass.Final, token);
        _utterance.Clear();
        _lastDecode = EmitFinalAsync(id, start, end, decode);
    }

    /// <summary>
    /// Decodes a pooled copy of the utterance's first <paramref name="length"/> samples (zeros past what was heard) on the
    /// thread pool, after the previous decode (<c>_lastDecode</c>, which the caller then replaces) so decodes never overlap.
    /// Called on the VAD loop.
    /// </summary>
    private Task<WhisperTranscription> DecodeUtterance(IUtteranceRecognizer recognizer, int length, RecognitionPass pass, CancellationToken token, CancellationToken discard = default)
    {
        var audio = ArrayPool<float>.Shared.Rent(Math.Max(1, length));
        var heard = Math.Min(length, _utterance.Length);
        _utterance.Samples[..heard].CopyTo(audio);
        audio.AsSpan(heard, length - heard).Clear();
        var previous = _lastDecode;
        Interlocked.Increment(ref _decodesInFlight);
        return Task.Run(
            async () =>
            {
                try
                {
                    // A discarded speculative decode ends cancelled; only the order matters here.
                    await Task.WhenAny(previous).ConfigureAwait(false);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, discard);
                    return await recognizer.TranscribeAsync(audio.AsMemory(0, length), pass, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(audio);
                    Interlocked.Decrement(ref _decodesInFlight);
                }
            },
            CancellationToken.None);
    }

    private async Task WaitForDecodesAsync()
    {
        try
        {
            await _lastDecode.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Nothing left to report.
        }
    }

    private enum SpeculationState
    {
        Pending,
        Announced,
        Closed,
    }

    /// <summary>An end decode started at the tentative end of speech. <see cref="State"/> changes under the event gate.</summary>
    private sealed record SpeculativeFinal(int UtteranceId, long StartSample, long EndSample, Task<WhisperTranscription> Decode, CancellationTokenSource Cancel)
    {
        public SpeculationState State { get; set; }
    }
}
