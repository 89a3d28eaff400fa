using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace WebAvatar.Speech.OpenAiCompatible;

/// <summary>
/// Any server speaking OpenAI's <c>POST /v1/audio/transcriptions</c> as an <see cref="ISpeechToTextClient"/>.
/// The audio stream may be a WAV file or raw s16le mono PCM (at <see cref="SpeechToTextOptions.SpeechSampleRate"/>,
/// else <see cref="OpenAiTranscriptionOptions.PcmSampleRate"/>), which is wrapped in a WAV header. The stream is read
/// to its end; the caller keeps ownership. Streaming yields the single final transcript. Thread-safe.
/// </summary>
public sealed class OpenAiCompatibleSpeechToTextClient : ISpeechToTextClient
{
    public const string ProviderName = "openai-compatible";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly OpenAiTranscriptionOptions _options;
    private readonly Uri _url;
    private readonly SpeechToTextClientMetadata _metadata;

    public OpenAiCompatibleSpeechToTextClient(OpenAiTranscriptionOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _url = OpenAiEndpoint.Combine(options.Endpoint, "audio/transcriptions", "Asr:OpenAiCompatible:Endpoint");
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _ownsHttp = httpClient is null;
        _metadata = new SpeechToTextClientMetadata(ProviderName, _url, options.Model);
    }

    /// <inheritdoc />
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        byte[] wav = await ToWavAsync(audioSpeechStream, options?.SpeechSampleRate ?? _options.PcmSampleRate, cancellationToken).ConfigureAwait(false);
        string model = options?.ModelId ?? _options.Model;
        string? language = options?.SpeechLanguage ?? _options.Language;

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(wav);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        // Quoted names: some servers' multipart parsers reject the bare token form .NET writes by default.
        form.Add(file, "\"file\"", "\"speech.wav\"");
        form.Add(new StringContent(model), "\"model\"");
        form.Add(new StringContent("json"), "\"response_format\"");
        if (!string.IsNullOrWhiteSpace(language))
        {
            // The API takes ISO 639-1 ("en"), not BCP 47 ("en-US").
            form.Add(new StringContent(language.Split('-', '_')[0].ToLowerInvariant()), "\"language\"");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = form };
        OpenAiEndpoint.Authorize(request, _options.ApiKey);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Transcription server {_url} did not answer within {_options.TimeoutSeconds} s.");
        }

        using (response)
        {
            await OpenAiEndpoint.EnsureSuccessAsync(response, _url, timeout.Token).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return new SpeechToTextResponse(ParseText(body)) { ModelId = model, RawRepresentation = body };
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetTextAsync(audioSpeechStream, options, cancellationToken).ConfigureAwait(false);
        yield return new SpeechToTextResponseUpdate(response.Text)
        {
            Kind = SpeechToTextResponseUpdateKind.TextUpdated,
            ModelId = response.ModelId,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => ClientServices.Resolve(this, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private string ParseText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                return text.GetString()!.Trim();
            }
        }
        catch (JsonException)
        {
        }

        throw new InvalidDataException($"Transcription server {_url} answered without a JSON \"text\" field: {(body.Length > 200 ? body[..200] + "..." : body)}");
    }

    private static async Task<byte[]> ToWavAsync(Stream audio, int pcmSampleRate, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await audio.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        byte[] bytes = buffer.ToArray();
        if (bytes.Length >= 12 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8))
        {
            return bytes;
        }

        if (bytes.Length < 2)
        {
            throw new ArgumentException("No audio to transcribe: the stream is empty.", nameof(audio));
        }

        int sampleCount = bytes.Length / 2;
        byte[] wav = new byte[44 + sampleCount * 2];
        WavHeader.CreateMono16(pcmSampleRate, sampleCount).CopyTo(wav, 0);
        bytes.AsSpan(0, sampleCount * 2).CopyTo(wav.AsSpan(44));
        return wav;
    }
}
