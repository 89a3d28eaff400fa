using System.Buffers;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Greedy Whisper decoding of one utterance (at most 30 s) at a time per call: log-mel, encoder, then the merged
/// decoder token by token until end-of-text or the token cap. Applies suppress_tokens and begin_suppress_tokens from
/// generation_config.json, never emits special tokens other than end-of-text, and detects the language (argmax over
/// the language tokens after start-of-transcript) when none is forced. Thread-safe; calls block for inference.
/// </summary>
public sealed class WhisperRecognizer : IUtteranceRecognizer, IDisposable
{
    public const string Name = "Whisper (ONNX)";

    private const int MaxTargetPositions = 448;

    private readonly WhisperOnnxModel _model;
    private readonly WhisperOptions _options;
    private readonly WhisperFeatureExtractor _features;
    private readonly bool[] _suppressed;
    private readonly bool[] _suppressedAtBegin;
    private readonly int[] _languageIds;
    private readonly string[] _languageCodes;
    private readonly SemaphoreSlim _decodeSlots;

    public WhisperRecognizer(WhisperOnnxModel model, WhisperOptions options)
    {
        _model = model;
        _options = options;
        _features = new WhisperFeatureExtractor(model.MelBins);
        _decodeSlots = new SemaphoreSlim(options.MaxConcurrentDecodes, options.MaxConcurrentDecodes);
        var tokenizer = model.Tokenizer;
        var vocab = tokenizer.VocabularySize;
        _suppressed = new bool[vocab];
        for (var id = 0; id < vocab; id++)
        {
            _suppressed[id] = id != tokenizer.EndOfText && (tokenizer.IsSpecial(id) || tokenizer.IdToToken(id) is null);
        }

        foreach (var id in model.Generation.SuppressTokens.Where(i => (uint)i < (uint)vocab))
        {
            _suppressed[id] = true;
        }

        _suppressedAtBegin = (bool[])_suppressed.Clone();
        foreach (var id in model.Generation.BeginSuppressTokens.Where(i => (uint)i < (uint)vocab))
        {
            _suppressedAtBegin[id] = true;
        }

        var languages = model.Generation.IsMultilingual ? tokenizer.Languages.OrderBy(p => p.Value).ToArray() : [];
        _languageCodes = languages.Select(p => p.Key).ToArray();
        _languageIds = languages.Select(p => p.Value).ToArray();
    }

    public WhisperOnnxModel Model => _model;

    public string EngineName => Name;

    public string ModelDescription { get; init; } = "whisper (ONNX Runtime)";

    /// <summary>Runs <see cref="Transcribe"/> on the calling thread (it blocks for the whole decode).</summary>
    public Task<WhisperTranscription> TranscribeAsync(ReadOnlyMemory<float> audio, RecognitionPass pass, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Transcribe(audio.Span, null, null, cancellationToken));
        }
        catch (Exception ex)
        {
            // Awaiting rethrows it as is, OperationCanceledException included.
            return Task.FromException<WhisperTranscription>(ex);
        }
    }

    /// <summary>
    /// Transcribes 16 kHz mono audio in [-1, 1] (longer than 30 s is trimmed). <paramref name="onText"/> receives the
    /// transcript so far after each token (on the calling thread). Cancellation stops the encoder or the next step
    /// and throws <see cref="OperationCanceledException"/>. Waits (blocking) while
    /// <see cref="WhisperOptions.MaxConcurrentDecodes"/> other decodes run.
    /// </summary>
    public WhisperTranscription Transcribe(
        ReadOnlySpan<float> audio,
        WhisperDecodingOptions? decoding,
        Action<string>? onText,
        CancellationToken cancellationToken)
    {
        _decodeSlots.Wait(cancellationToken);
        try
        {
            return TranscribeCore(audio, decoding, onText, cancellationToken);
        }
        finally
        {
            _decodeSlots.Release();
        }
    }

    public void Dispose()
    {
        _model.Dispose();
        _decodeSlots.Dispose();
    }

    private WhisperTranscription TranscribeCore(
        ReadOnlySpan<float> audio,
        WhisperDecodingOptions? decoding,
        Action<string>? onText,
        CancellationToken cancellationToken)
    {
        var tokenizer = _model.Tokenizer;
        var language = NormaliseLanguage(decoding?.Language ?? _options.Language);
        if (language is not null && _languageIds.Length > 0 && !tokenizer.Languages.ContainsKey(language))
        {
            throw new ArgumentException($"Whisper language '{language}' is not in this model (known: {string.Join(", ", _languageCodes.Take(20))}...).");
        }

        var maxNew = Math.Clamp(decoding?.MaxNewTokens ?? _options.MaxNewTokens, 1, MaxTargetPositions - 8);
        var audioDuration = TimeSpan.FromSeconds(Math.Min(audio.Length, WhisperFeatureExtractor.ChunkSamples) / (double)WhisperFeatureExtractor.SampleRate);

        using var runOptions = new RunOptions();
        using var cancelRegistration = cancellationToken.Register(() => runOptions.Terminate = true);
        var clock = Stopwatch.StartNew();
        var featureLength = _features.FeatureLength;
        var features = ArrayPool<float>.Shared.Rent(featureLength);
        OrtValue hidden;
        TimeSpan featureTime;
        try
        {
            _features.Compute(audio, features.AsSpan(0, featureLength));
            featureTime = clock.Elapsed;
            hidden = RunCancellable(() => _model.Encode(features.AsMemory(0, featureLength), runOptions), cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
        }

        var encoderTime = clock.Elapsed - featureTime;
        var tokens = new List<int>(maxNew);
        var hitCap = false;
        int steps;
        using (hidden)
        using (var state = _model.StartDecoding(hidden))
        {
            Span<long> prompt = stackalloc long[4];
            var promptLength = 0;
            prompt[promptLength++] = tokenizer.StartOfTranscript;
            if (_languageIds.Length > 0)
            {
                if (language is null)
                {
                    var first = RunCancellable(state, prompt[..1], runOptions, cancellationToken);
                    language = _languageCodes[ArgMaxAmong(first, _languageIds)];
                    promptLength = 0;
                }

                prompt[promptLength++] = tokenizer.Languages[language];
                prompt[promptLength++] = tokenizer.Transcribe;
            }

            prompt[promptLength++] = tokenizer.NoTimestamps;
            var logits = RunCancellable(state, prompt[..promptLength], runOptions, cancellationToken);
            Span<long> next = stackalloc long[1];
            while (true)
            {
                var token = ArgMaxAllowed(logits, tokens.Count == 0 ? _suppressedAtBegin : _suppressed);
                if (token == tokenizer.EndOfText || token < 0)
                {
                    break;
                }

                tokens.Add(token);
                onText?.Invoke(tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens)).Trim());
                if (tokens.Count >= maxNew || state.PastLength + 1 >= MaxTargetPositions)
                {
                    hitCap = true;
                    break;
                }

                next[0] = token;
                logits = RunCancellable(state, next, runOptions, cancellationToken);
            }

            steps = state.Steps;
        }

        var decoderTime = clock.Elapsed - featureTime - encoderTime;
        var text = tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens)).Trim();
        return new WhisperTranscription(text, language ?? string.Empty, tokens, audioDuration, featureTime, encoderTime, decoderTime, steps, hitCap);
    }

    private static string? NormaliseLanguage(string? language) =>
        string.IsNullOrWhiteSpace(language) || language.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : language.Trim().ToLowerInvariant();

    private static T RunCancellable<T>(Func<T> run, CancellationToken cancellationToken)
    {
        try
        {
            return run();
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static ReadOnlySpan<float> RunCancellable(WhisperDecoderState state, ReadOnlySpan<long> ids, RunOptions runOptions, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return state.Step(ids, runOptions);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static int ArgMaxAllowed(ReadOnlySpan<float> logits, bool[] suppressed)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
        var n = Math.Min(logits.Length, suppressed.Length);
        for (var i = 0; i < n; i++)
        {
            if (!suppressed[i] && logits[i] > bestValue)
            {
                bestValue = logits[i];
                best = i;
            }
        }

        return best;
    }

    private static int ArgMaxAmong(ReadOnlySpan<float> logits, int[] ids)
    {
        var best = 0;
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] < logits.Length && logits[ids[i]] > logits[ids[best]])
            {
                best = i;
            }
        }

        return best;
    }
}
