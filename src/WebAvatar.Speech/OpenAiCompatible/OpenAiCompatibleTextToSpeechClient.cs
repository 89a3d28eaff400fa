using System.Buffers.Binary;
using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.AI;
using WebAvatar.Dsp;
using WebAvatar.Media;
using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Speech.OpenAiCompatible;

/// <summary>
/// Any server speaking OpenAI's <c>POST /v1/audio/speech</c> (OpenAI, Kokoro-FastAPI, LocalAI, openedai-speech...)
/// as an <see cref="ITextToSpeechClient"/>. Asks for pcm (raw s16le at <see cref="TtsOptions.PcmSampleRate"/>) or wav,
/// reads the body progressively and streams 16 kHz chunks as they arrive (first chunk after 20 ms of audio, then
/// every 100 ms). These servers report no phoneme timing, so updates carry no marks: lip-sync must follow the audio.
/// Thread-safe; does not own a caller-supplied <see cref="HttpClient"/>.
/// </summary>
public sealed class OpenAiCompatibleTextToSpeechClient : ITextToSpeechClient
{
    public const string EngineId = "openai";
    public const string DefaultVoice = "alloy";

    private const int FirstChunkSamples = MediaTiming.SamplesPerAudioFrame;
    private const int ChunkSamples = MediaTiming.PipelineSampleRate / 10;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TtsOptions _options;
    private readonly Uri _url;
    private readonly TextToSpeechClientMetadata _metadata;

    public OpenAiCompatibleTextToSpeechClient(TtsOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _url = OpenAiEndpoint.Combine(options.Endpoint, "audio/speech", "Tts:Endpoint");
        if (!options.ResponseFormat.Equals("pcm", StringComparison.OrdinalIgnoreCase) && !options.ResponseFormat.Equals("wav", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Tts:ResponseFormat must be pcm or wav (got '{options.ResponseFormat}').", nameof(options));
        }

        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _ownsHttp = httpClient is null;
        _metadata = new TextToSpeechClientMetadata(EngineId, _url, options.Model);
    }

    /// <inheritdoc />
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var samples = new List<short>();
        TextToSpeechResponseUpdate? last = null;
        await foreach (var update in GetStreamingAudioAsync(text, options, cancellationToken).ConfigureAwait(false))
        {
            samples.AddRange(PcmAudioContent.GetSamples(update.Contents.OfType<DataContent>().First()));
            last = update;
        }

        return new TextToSpeechResponse([PcmAudioContent.Create(samples.ToArray(), MediaTiming.PipelineSampleRate, [])])
        {
            ModelId = last?.ModelId,
            AdditionalProperties = TtsMetrics.Summarize(last, samples.Count / (double)MediaTiming.PipelineSampleRate),
        };
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Blank or over-long text (thrown here, before any request).</exception>
    public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        TtsTextGuard.Validate(text, _options.MaxTextLength);
        float speed = options?.Speed ?? _options.Speed;
        if (!float.IsFinite(speed) || speed <= 0)
        {
            throw new ArgumentException($"Speed must be a positive number (got {speed}).", nameof(options));
        }

        string model = options?.ModelId ?? _options.Model;
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["input"] = text,
            ["voice"] = options?.VoiceId ?? _options.Voice ?? DefaultVoice,
            ["response_format"] = _options.ResponseFormat.ToLowerInvariant(),
            ["speed"] = speed,
        };
        return StreamAsync(JsonSerializer.Serialize(body), model, cancellationToken);
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

    private async IAsyncEnumerable<TextToSpeechResponseUpdate> StreamAsync(string json, string model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        var token = timeout.Token;

        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        OpenAiEndpoint.Authorize(request, _options.ApiKey);
        using var response = await SendAsync(request, token, cancellationToken).ConfigureAwait(false);
        await OpenAiEndpoint.EnsureSuccessAsync(response, _url, token).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);

        var (rate, channels) = _options.ResponseFormat.Equals("wav", StringComparison.OrdinalIgnoreCase)
            ? await WavHeader.ReadAsync(stream, token).ConfigureAwait(false)
            : (_options.PcmSampleRate, 1);
        var resampler = new PcmResampler(rate, MediaTiming.PipelineSampleRate);
        int frameBytes = channels * 2;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(16_384);
        short[] mono = ArrayPool<short>.Shared.Rent(bytes.Length / 2);
        short[] pending = ArrayPool<short>.Shared.Rent(resampler.MaxOutputFor(mono.Length) + ChunkSamples * 2);
        int carry = 0, pendingCount = 0;
        long totalSamples = 0;
        double? firstAudioMs = null;
        string responseId = Guid.NewGuid().ToString("N");
        try
        {
            bool ended = false;
            while (!ended)
            {
                int read = await stream.ReadAsync(bytes.AsMemory(carry, bytes.Length - carry), token).ConfigureAwait(false);
                int monoCount = 0;
                if (read == 0)
                {
                    ended = true;
                }
                else
                {
                    int available = carry + read;
                    int frames = available / frameBytes;
                    monoCount = DownmixToMono(bytes.AsSpan(0, frames * frameBytes), channels, mono);
                    carry = available - frames * frameBytes;
                    bytes.AsSpan(frames * frameBytes, carry).CopyTo(bytes);
                }

                EnsureRoom(ref pending, pendingCount, resampler.MaxOutputFor(monoCount) + resampler.MaxOutputFor(0));
                pendingCount += resampler.Process(mono.AsSpan(0, monoCount), pending.AsSpan(pendingCount));
                if (ended)
                {
                    pendingCount += resampler.Flush(pending.AsSpan(pendingCount));
                }

                int threshold = firstAudioMs is null ? FirstChunkSamples : ChunkSamples;
                if (pendingCount > 0 && (pendingCount >= threshold || ended))
                {
                    firstAudioMs ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    totalSamples += pendingCount;
                    double audioSeconds = totalSamples / (double)MediaTiming.PipelineSampleRate;
                    var update = new TextToSpeechResponseUpdate([PcmAudioContent.Create(pending.AsSpan(0, pendingCount), MediaTiming.PipelineSampleRate, [])])
                    {
                        Kind = TextToSpeechResponseUpdateKind.AudioUpdating,
                        ResponseId = responseId,
                        ModelId = model,
                        AdditionalProperties = new AdditionalPropertiesDictionary
                        {
                            [TtsMetrics.FirstAudioMsKey] = firstAudioMs.Value,
                            [TtsMetrics.RealTimeFactorKey] = Stopwatch.GetElapsedTime(started).TotalSeconds / audioSeconds,
                            [TtsMetrics.AudioSecondsKey] = pendingCount / (double)MediaTiming.PipelineSampleRate,
                        },
                    };
                    pendingCount = 0;
                    yield return update;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<short>.Shared.Return(mono);
            ArrayPool<short>.Shared.Return(pending);
        }

        if (totalSamples == 0)
        {
            throw new InvalidDataException($"Speech server {_url} returned no audio.");
        }

        var audio = TimeSpan.FromSeconds(totalSamples / (double)MediaTiming.PipelineSampleRate);
        TtsMetrics.Record(new TtsRequestMeasurement(EngineId, TimeSpan.FromMilliseconds(firstAudioMs ?? 0), audio, Stopwatch.GetElapsedTime(started)));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token, CancellationToken callerToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Speech server {_url} did not answer within {_options.TimeoutSeconds} s (Tts:TimeoutSeconds).");
        }
    }

    private static int DownmixToMono(ReadOnlySpan<byte> interleaved, int channels, Span<short> mono)
    {
        int frames = interleaved.Length / (channels * 2);
        for (int f = 0; f < frames; f++)
        {
            int sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(interleaved.Slice((f * channels + c) * 2, 2));
            }

            mono[f] = (short)(sum / channels);
        }

        return frames;
    }

    private static void EnsureRoom(ref short[] buffer, int used, int needed)
    {
        if (used + needed > buffer.Length)
        {
            var bigger = ArrayPool<short>.Shared.Rent(used + needed);
            buffer.AsSpan(0, used).CopyTo(bigger);
            ArrayPool<short>.Shared.Return(buffer);
            buffer = bigger;
        }
    }
}
