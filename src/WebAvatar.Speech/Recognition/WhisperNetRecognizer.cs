using System.Buffers;
using System.Diagnostics;
using System.Text;
using Whisper.net;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Whisper through whisper.cpp (Whisper.net) on a shared, already loaded <see cref="WhisperFactory"/>. Each decode
/// builds its own processor (cheap: parameters only; whisper.cpp state is created per decode anyway) with the audio
/// context trimmed to the utterance, greedy decoding without temperature fallback, no carried context and one segment.
/// Thread-safe; does not own the factory (dispose this before it). Decodes run on Whisper.net's own thread, so calls do not block.
/// </summary>
public sealed class WhisperNetRecognizer : IUtteranceRecognizer, IDisposable
{
    public const string Name = "Whisper.net";

    private const int MaxSamples = 30 * 16_000;

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
        _threads = options.Threads > 0 ? options.Threads : Math.Min(4, Environment.ProcessorCount);
    }

    public string EngineName => Name;

    public string ModelDescription { get; }

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
                .WithMaxTokensPerSegment(_options.MaxNewTokens);
            builder = _language is null ? builder.WithLanguageDetection() : builder.WithLanguage(_language);

            // DisposeAsync waits for the native decode to stop, so the samples are free when this returns.
            await using var processor = builder.Build();
            var text = new StringBuilder();
            var language = _language ?? string.Empty;
            await foreach (var segment in processor.ProcessAsync(samples.AsMemory(0, length), cancellationToken).ConfigureAwait(false))
            {
                text.Append(segment.Text);
                language = segment.Language ?? language;
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new WhisperTranscription(
                text.ToString().Trim(), language, [], TimeSpan.FromSeconds(length / 16_000.0),
                TimeSpan.Zero, TimeSpan.Zero, clock.Elapsed, 0, false, Name);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
            _decodeSlots.Release();
        }
    }
}
