using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// <see cref="ISpeechToTextClient"/> over the local Whisper engine. Input: a 16 kHz mono 16-bit WAV or raw PCM stream
/// (at most 30 s is decoded). <see cref="SpeechToTextOptions.SpeechLanguage"/> forces the language. The streaming form
/// yields a <see cref="SpeechToTextResponseUpdateKind.TextUpdating"/> update per decoded token (the new text) and one
/// <see cref="SpeechToTextResponseUpdateKind.TextUpdated"/> with the whole transcript. Thread-safe.
/// </summary>
public sealed class WhisperSpeechToTextClient(WhisperEngine engine) : ISpeechToTextClient
{
    private readonly SpeechToTextClientMetadata _metadata = new("webavatar-whisper-onnx", null, engine.Status.Files?.Describe());

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var audio = await PcmStreamReader.ReadAsync(audioSpeechStream, options?.SpeechSampleRate, cancellationToken).ConfigureAwait(false);
        var recognizer = engine.GetRecognizer();
        var result = await Task.Run(() => recognizer.Transcribe(audio, ToDecoding(options), null, cancellationToken), cancellationToken).ConfigureAwait(false);
        return ToResponse(result);
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream,
        SpeechToTextOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var audio = await PcmStreamReader.ReadAsync(audioSpeechStream, options?.SpeechSampleRate, cancellationToken).ConfigureAwait(false);
        var recognizer = engine.GetRecognizer();
        var responseId = Guid.NewGuid().ToString("N");
        var partials = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var previous = string.Empty;

        // Cancelled when the caller stops enumerating early, so the decode does not run on unobserved.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var decode = Task.Run(
            () =>
            {
                try
                {
                    return recognizer.Transcribe(audio, ToDecoding(options), text => partials.Writer.TryWrite(text), abandon.Token);
                }
                finally
                {
                    partials.Writer.TryComplete();
                }
            },
            abandon.Token);

        try
        {
            await foreach (var text in partials.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var delta = text.StartsWith(previous, StringComparison.Ordinal) ? text[previous.Length..] : text;
                previous = text;
                if (delta.Length > 0)
                {
                    yield return new SpeechToTextResponseUpdate(delta) { Kind = SpeechToTextResponseUpdateKind.TextUpdating, ResponseId = responseId };
                }
            }

            var result = await decode.ConfigureAwait(false);
            yield return new SpeechToTextResponseUpdate(result.Text)
            {
                Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                ResponseId = responseId,
                StartTime = TimeSpan.Zero,
                EndTime = result.AudioDuration,
                ModelId = _metadata.DefaultModelId,
                RawRepresentation = result,
            };
        }
        finally
        {
            if (!decode.IsCompleted)
            {
                await abandon.CancelAsync().ConfigureAwait(false);
                try
                {
                    await decode.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Expected: we cancelled it.
                }
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        ClientServices.Resolve(this, _metadata, serviceType, serviceKey)
        ?? (serviceKey is null && serviceType == typeof(WhisperEngine) ? engine : null);

    public void Dispose()
    {
        // The engine is a shared singleton owned by the container.
    }

    private static WhisperDecodingOptions? ToDecoding(SpeechToTextOptions? options) =>
        options?.SpeechLanguage is { Length: > 0 } language ? new WhisperDecodingOptions(language.Split('-')[0]) : null;

    private SpeechToTextResponse ToResponse(WhisperTranscription result) => new(result.Text)
    {
        ResponseId = Guid.NewGuid().ToString("N"),
        StartTime = TimeSpan.Zero,
        EndTime = result.AudioDuration,
        ModelId = _metadata.DefaultModelId,
        RawRepresentation = result,
    };
}
