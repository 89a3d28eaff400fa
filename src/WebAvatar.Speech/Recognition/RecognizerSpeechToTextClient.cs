using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// The application's Microsoft.Extensions.AI <see cref="ISpeechToTextClient"/>: whatever engine
/// <see cref="UtteranceRecognizerSelector.Select"/> chose for the conversations (Whisper.net, ONNX Whisper or the
/// OpenAI-compatible server, per Whisper:Engine), so both paths decode with the same engine and settings.
/// Input: a 16 kHz mono 16-bit WAV (extra channels are averaged) or raw PCM stream, read by <see cref="PcmStreamReader"/>;
/// at most the first 30 s is decoded, as one <see cref="RecognitionPass.Final"/> pass. The language is
/// <see cref="WhisperOptions.Language"/>: <see cref="IUtteranceRecognizer"/> has no per-call language, so
/// <see cref="SpeechToTextOptions.SpeechLanguage"/> is not used; <see cref="SpeechToTextOptions.SpeechSampleRate"/>
/// is checked for raw PCM. The response carries the engine that decoded it in
/// <see cref="SpeechToTextResponse.AdditionalProperties"/> (<see cref="EngineKey"/>) and the
/// <see cref="WhisperTranscription"/> as its raw representation.
/// When voice input is disabled every call throws <see cref="InvalidOperationException"/> with the selection's reason.
/// The engine is selected (and its model loaded) on first use, by a call or by asking for the metadata.
/// Thread-safe; the engines belong to the container, so disposing the client does nothing.
/// </summary>
public sealed class RecognizerSpeechToTextClient : ISpeechToTextClient
{
    /// <summary>The <see cref="SpeechToTextResponse.AdditionalProperties"/> key naming the engine (<see cref="IUtteranceRecognizer.EngineName"/>).</summary>
    public const string EngineKey = "engine";

    /// <summary>30 s at 16 kHz: what one Whisper pass decodes.</summary>
    private const int MaxSamples = WhisperFeatureExtractor.ChunkSamples;

    private readonly UtteranceRecognizerSelector _selector;
    private readonly Lazy<SpeechToTextClientMetadata> _metadata;

    public RecognizerSpeechToTextClient(UtteranceRecognizerSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _selector = selector;
        _metadata = new Lazy<SpeechToTextClientMetadata>(
            () =>
            {
                var selection = selector.Select();
                return new SpeechToTextClientMetadata(selection.Engine, null, selection.Recognizer?.ModelDescription);
            },
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var recognizer = await SelectAsync(cancellationToken).ConfigureAwait(false);
        var audio = await PcmStreamReader.ReadAsync(audioSpeechStream, options?.SpeechSampleRate, cancellationToken).ConfigureAwait(false);

        // Off the caller's thread: the ONNX engine decodes synchronously inside TranscribeAsync.
        var result = await Task.Run(
            () => recognizer.TranscribeAsync(audio.AsMemory(0, Math.Min(audio.Length, MaxSamples)), RecognitionPass.Final, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return new SpeechToTextResponse(result.Text)
        {
            ResponseId = Guid.NewGuid().ToString("N"),
            StartTime = TimeSpan.Zero,
            EndTime = result.AudioDuration,
            ModelId = recognizer.ModelDescription,
            RawRepresentation = result,
            AdditionalProperties = new AdditionalPropertiesDictionary { [EngineKey] = result.Engine },
        };
    }

    /// <summary>
    /// Decodes like <see cref="GetTextAsync"/> and yields one <see cref="SpeechToTextResponseUpdateKind.TextUpdated"/>
    /// update with the whole transcript: <see cref="IUtteranceRecognizer"/> has no per-token callback, so there are no
    /// <see cref="SpeechToTextResponseUpdateKind.TextUpdating"/> updates (interim text comes from
    /// <see cref="StreamingTranscriber"/>'s partial passes, not from this client).
    /// </summary>
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream,
        SpeechToTextOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetTextAsync(audioSpeechStream, options, cancellationToken).ConfigureAwait(false);
        yield return new SpeechToTextResponseUpdate(response.Text)
        {
            Kind = SpeechToTextResponseUpdateKind.TextUpdated,
            ResponseId = response.ResponseId,
            StartTime = response.StartTime,
            EndTime = response.EndTime,
            ModelId = response.ModelId,
            RawRepresentation = response.RawRepresentation,
            AdditionalProperties = response.AdditionalProperties,
        };
    }

    /// <summary>The metadata (provider: the engine name, or "disabled"; model: the model in use), this client, or the selector.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(SpeechToTextClientMetadata) ? _metadata.Value
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType == typeof(UtteranceRecognizerSelector) ? _selector
            : null;
    }

    public void Dispose()
    {
        // The selector and its engines are singletons owned by the container.
    }

    /// <summary>The selected recognizer; the first call loads the model, so it runs on the thread pool.</summary>
    private async Task<IUtteranceRecognizer> SelectAsync(CancellationToken cancellationToken)
    {
        var selection = await Task.Run(_selector.Select, cancellationToken).ConfigureAwait(false);
        return selection.Recognizer ?? throw new InvalidOperationException(selection.Detail);
    }
}
