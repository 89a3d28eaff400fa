using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Speech.OpenAiCompatible;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// An <see cref="IUtteranceRecognizer"/> over any Microsoft.Extensions.AI <see cref="ISpeechToTextClient"/> (the
/// OpenAI-compatible transcription server client, or any other): each utterance goes to the client as one 16 kHz mono
/// 16-bit WAV stream, with <see cref="WhisperOptions.Language"/> as the spoken language (none for "auto"), and at most
/// <see cref="WhisperOptions.MaxConcurrentDecodes"/> requests run at once across all sessions (more wait, cancellably).
/// Partial passes reach the client only when <c>decodePartials</c> is set (<see cref="DecodesPartials"/>): for a
/// remote server that is a request per <see cref="WhisperOptions.PartialIntervalMs"/> while the user speaks.
/// A failing client (unreachable, error status, malformed answer, timeout) fails the call, which
/// <see cref="StreamingTranscriber"/> turns into an empty final; the reason is kept for the health line
/// (<see cref="LastError"/>) and logged once when the failures start and once when the client answers again.
/// Thread-safe; disposes the client only when it owns it.
/// </summary>
public sealed partial class SpeechToTextUtteranceRecognizer : IUtteranceRecognizer, IDisposable
{
    private const int SampleRate = 16_000;
    private const int MaxSamples = 30 * SampleRate;

    private readonly ISpeechToTextClient _client;
    private readonly bool _ownsClient;
    private readonly SemaphoreSlim _slots;
    private readonly string? _language;
    private readonly ILogger _logger;
    private string? _lastError;

    /// <param name="client">Does the transcription; must accept a WAV stream.</param>
    /// <param name="options">Language and concurrent-request limit.</param>
    /// <param name="engineName">Name for the health line and the chips.</param>
    /// <param name="decodePartials">Send <see cref="RecognitionPass.Partial"/> passes too (else they return empty text at once).</param>
    /// <param name="ownsClient">Dispose the client with this recognizer.</param>
    /// <param name="logger">Where failures and recoveries are reported.</param>
    public SpeechToTextUtteranceRecognizer(
        ISpeechToTextClient client, WhisperOptions options, string engineName, bool decodePartials = false, bool ownsClient = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(engineName);
        _client = client;
        _ownsClient = ownsClient;
        EngineName = engineName;
        DecodesPartials = decodePartials;
        _logger = logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConcurrentDecodes, options.MaxConcurrentDecodes);
        _language = string.IsNullOrWhiteSpace(options.Language) || options.Language.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? null
            : options.Language.Trim().Split('-', '_')[0].ToLowerInvariant(); // ISO 639-1, as the transcription API takes it
        var metadata = client.GetService<SpeechToTextClientMetadata>();
        ModelDescription = (metadata?.DefaultModelId is { Length: > 0 } model ? model : "default model")
            + (metadata?.ProviderUri is { } uri ? $" at {uri}" : metadata?.ProviderName is { Length: > 0 } provider ? $" ({provider})" : string.Empty);
    }

    public string EngineName { get; }

    public string ModelDescription { get; }

    /// <inheritdoc />
    public bool DecodesPartials { get; }

    /// <inheritdoc />
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>
    /// See <see cref="IUtteranceRecognizer.TranscribeAsync"/>. Does not block: the audio is copied into the WAV body
    /// before the first await that can take long. Empty audio, and partial passes when partials are off, return empty
    /// text without a request. Errors from the client propagate unchanged (after being recorded for the health line).
    /// </summary>
    public async Task<WhisperTranscription> TranscribeAsync(ReadOnlyMemory<float> audio, RecognitionPass pass, CancellationToken cancellationToken)
    {
        if (audio.Length > MaxSamples)
        {
            audio = audio[..MaxSamples];
        }

        var duration = TimeSpan.FromSeconds(audio.Length / (double)SampleRate);
        if (audio.IsEmpty || (pass == RecognitionPass.Partial && !DecodesPartials))
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Result(string.Empty, duration, TimeSpan.Zero, TimeSpan.Zero);
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var wav = ToWav(audio.Span);
            var encoded = Stopwatch.GetElapsedTime(started);
            using var stream = new MemoryStream(wav, writable: false);
            var options = new SpeechToTextOptions { SpeechSampleRate = SampleRate, SpeechLanguage = _language };
            SpeechToTextResponse response;
            try
            {
                response = await _client.GetTextAsync(stream, options, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                RecordFailure(ex);
                throw;
            }

            cancellationToken.ThrowIfCancellationRequested();
            RecordSuccess();
            return Result(response.Text.Trim(), duration, encoded, Stopwatch.GetElapsedTime(started) - encoded);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        // The semaphore is not disposed: a request still winding down releases its slot after this.
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>16-bit little-endian PCM, 16 kHz mono, in a 44-byte RIFF/WAVE header; samples clamped to [-1, 1].</summary>
    internal static byte[] ToWav(ReadOnlySpan<float> samples)
    {
        var wav = new byte[44 + samples.Length * 2];
        WavHeader.CreateMono16(SampleRate, samples.Length).CopyTo(wav, 0);
        var data = wav.AsSpan(44);
        for (var i = 0; i < samples.Length; i++)
        {
            var value = (short)Math.Clamp(MathF.Round(samples[i] * 32767f), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(data[(i * 2)..], value);
        }

        return wav;
    }

    /// <summary>The wire time goes in <see cref="WhisperTranscription.DecoderTime"/> (the server does not split it), WAV encoding in FeatureTime.</summary>
    private WhisperTranscription Result(string text, TimeSpan audio, TimeSpan encoding, TimeSpan request) =>
        new(text, _language ?? string.Empty, [], audio, encoding, TimeSpan.Zero, request, 0, false, EngineName);

    private void RecordFailure(Exception ex)
    {
        var reason = ex.Message;
        if (Interlocked.Exchange(ref _lastError, reason) is null)
        {
            LogFailing(_logger, EngineName, ModelDescription, reason);
        }
    }

    private void RecordSuccess()
    {
        if (Interlocked.Exchange(ref _lastError, null) is { } previous)
        {
            LogRecovered(_logger, EngineName, ModelDescription, previous);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech recognition ({Engine}, {Model}) is failing: {Reason}. Utterances get empty transcripts until it answers again.")]
    private static partial void LogFailing(ILogger logger, string engine, string model, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speech recognition ({Engine}, {Model}) answers again (it had failed with: {Reason})")]
    private static partial void LogRecovered(ILogger logger, string engine, string model, string reason);
}
