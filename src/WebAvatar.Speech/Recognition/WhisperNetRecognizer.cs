using System.Buffers;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Whisper.net;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Whisper through whisper.cpp (Whisper.net) on a shared, already loaded <see cref="WhisperFactory"/>. Each decode
/// builds its own processor (cheap: parameters only; whisper.cpp state is created per decode anyway) with the audio
/// context trimmed to the utterance, greedy decoding without temperature fallback or timestamps, no carried context and
/// one segment, at most <see cref="WhisperOptions.MaxNewTokens"/> tokens (reported in the transcription, as the ONNX engine does).
/// Thread-safe; does not own the factory (dispose this before it). Decodes run on Whisper.net's own thread, so calls do not block.
/// </summary>
public sealed class WhisperNetRecognizer : IUtteranceRecognizer, IDisposable
{
    public const string Name = "Whisper.net";

    private const int MaxSamples = 30 * 16_000;

    // whisper.cpp's no_timestamps (see WithoutTimestamps), on the processor's copy of the native parameters.
    private static readonly FieldInfo? NativeParams = typeof(WhisperProcessor).GetField("whisperParams", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly FieldInfo? NoTimestampsParam = NativeParams?.FieldType.GetField("NoTimestamps", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private readonly WhisperFactory _factory;
    private readonly WhisperOptions _options;
    private readonly SemaphoreSlim _decodeSlots;
    private readonly string? _language;
    private readonly int _threads;

    public WhisperNetRecognizer(WhisperFactory factory, string modelPath, WhisperOptions options)
    {
        _factory = factory;
        _options = options;
        ModelDescription = $"{Path.GetFileName(modelPath)} (whisper.cpp) in {Path.GetDirectoryName(modelPath)}";
        _decodeSlots = new SemaphoreSlim(options.MaxConcurrentDecodes, options.MaxConcurrentDecodes);
        _language = string.IsNullOrWhiteSpace(options.Language) || options.Language.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? null
            : options.Language.Trim().ToLowerInvariant();
        _threads = options.Threads > 0 ? options.Threads : DefaultThreads(Environment.ProcessorCount);
    }

    public string EngineName => Name;

    public string ModelDescription { get; }

    /// <summary>
    /// Threads per decode when <see cref="WhisperOptions.Threads"/> is 0: half the cores (1 to 4). whisper.cpp's workers
    /// spin while they wait, so a decode on every core fights the session's render, encode and send loops; on 2 cores one
    /// thread gave the live bench 7 of 7 preemptive replies in time (483 ms median first audio) against 2 of 11 with two.
    /// </summary>
    public static int DefaultThreads(int cores) => Math.Clamp(cores / 2, 1, 4);

    /// <summary>The audio context a decode of <paramref name="samples"/> samples uses (encoder frames).</summary>
    public int AudioContextFor(int samples) =>
        _options.TrimAudioContext ? WhisperAudioContext.FramesFor(Math.Min(samples, MaxSamples)) : WhisperAudioContext.Full;

    /// <summary>
    /// See <see cref="IUtteranceRecognizer.TranscribeAsync"/>. whisper.cpp checks for cancellation only between its stages
    /// (not inside an encoder pass), so a cancelled call returns at once and the native decode winds down in the background
    /// on its own copy of the audio, still holding its decode slot.
    /// </summary>
    public async Task<WhisperTranscription> TranscribeAsync(ReadOnlyMemory<float> audio, RecognitionPass pass, CancellationToken cancellationToken)
    {
        if (audio.Length > MaxSamples)
        {
            audio = audio[..MaxSamples];
        }

        await _decodeSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var samples = ArrayPool<float>.Shared.Rent(Math.Max(1, audio.Length));
        audio.CopyTo(samples);
        var decode = DecodeAsync(samples, audio.Length, cancellationToken);
        if (!decode.IsCompleted)
        {
            _ = decode.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        return await decode.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits (up to 30 s) for decodes still winding down after cancellation, so the factory can be freed safely.</summary>
    public void Dispose()
    {
        for (var i = 0; i < _options.MaxConcurrentDecodes; i++)
        {
            _decodeSlots.Wait(TimeSpan.FromSeconds(30));
        }

        _decodeSlots.Dispose();
    }

    /// <summary>
    /// whisper.cpp's max_tokens for a cap of <paramref name="maxNewTokens"/>: it stops after the token whose index reaches
    /// max_tokens, one past it (and 0 means no limit), so a cap of N is N - 1 there (a cap of 1 yields 2 tokens).
    /// </summary>
    internal static int MaxTokensParameter(int maxNewTokens) => Math.Max(1, maxNewTokens - 1);

    /// <summary>
    /// Sets whisper.cpp's no_timestamps, which Whisper.net's builder does not expose: the prompt ends with
    /// &lt;|notimestamps|&gt; (as the ONNX engine's does) and only text tokens are sampled. With timestamps, whisper.cpp spends
    /// tokens on them and ends a decode at the first one past the audio's end, whatever the token cap; the app uses none.
    /// Returns false (and decodes with timestamps) when this Whisper.net version keeps its parameters elsewhere.
    /// </summary>
    internal static bool WithoutTimestamps(WhisperProcessor processor)
    {
        if (NativeParams is null || NoTimestampsParam is null)
        {
            return false;
        }

        var parameters = NativeParams.GetValue(processor)!;
        NoTimestampsParam.SetValue(parameters, Convert.ChangeType(1, NoTimestampsParam.FieldType, System.Globalization.CultureInfo.InvariantCulture));
        NativeParams.SetValue(processor, parameters);
        return true;
    }

    /// <summary>Owns <paramref name="samples"/> (pooled) and one decode slot; returns both when whisper.cpp is done.</summary>
    private async Task<WhisperTranscription> DecodeAsync(float[] samples, int length, CancellationToken cancellationToken)
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var builder = _factory.CreateBuilder()
                .WithThreads(_threads)
                .WithAudioContextSize(AudioContextFor(length))
                .WithTemperatureInc(0)
                .WithNoContext()
                .WithSingleSegment()
                .WithMaxTokensPerSegment(MaxTokensParameter(_options.MaxNewTokens));
            builder = _language is null ? builder.WithLanguageDetection() : builder.WithLanguage(_language);

            // DisposeAsync waits for the native decode to stop, so the samples are free when this returns.
            await using var processor = builder.Build();
            WithoutTimestamps(processor);
            var text = new StringBuilder();
            var language = _language ?? string.Empty;
            var tokens = new List<int>();
            var sampled = 0;
            await foreach (var segment in processor.ProcessAsync(samples.AsMemory(0, length), cancellationToken).ConfigureAwait(false))
            {
                text.Append(segment.Text);
                language = segment.Language ?? language;
                foreach (var token in segment.Tokens)
                {
                    sampled++;
                    if (token.Text is { } t && !t.StartsWith("[_", StringComparison.Ordinal))
                    {
                        tokens.Add(token.Id);
                    }
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new WhisperTranscription(
                text.ToString().Trim(), language, tokens, TimeSpan.FromSeconds(length / 16_000.0),
                TimeSpan.Zero, TimeSpan.Zero, clock.Elapsed, sampled, sampled >= _options.MaxNewTokens, Name);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
            _decodeSlots.Release();
        }
    }
}
