using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// Shared shape of the local engines: validate the text and resolve the voice eagerly (errors surface at the call,
/// not at the first MoveNext), then synthesise sentence by sentence, one sentence ahead of the consumer, and stream
/// each sentence as one <see cref="TextToSpeechResponseUpdate"/> holding a <see cref="PcmAudioContent"/> at the engine's
/// own sample rate (the pipeline converts once, in SpeechStage) with its phoneme marks and timing figures (<see cref="TtsMetrics"/>).
/// </summary>
/// <typeparam name="TRequest">The engine's resolved per-request settings (voice, prosody).</typeparam>
public abstract class SentenceStreamingTextToSpeechClient<TRequest> : ITextToSpeechClient
{
    private readonly TextToSpeechClientMetadata _metadata;

    protected SentenceStreamingTextToSpeechClient(string engineName, int maxTextLength, string? defaultModelId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTextLength, 1);
        EngineName = engineName;
        MaxTextLength = maxTextLength;
        _metadata = new TextToSpeechClientMetadata(engineName, null, defaultModelId);
    }

    public string EngineName { get; }

    public int MaxTextLength { get; }

    /// <inheritdoc />
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var pieces = new List<(short[] Samples, IReadOnlyList<PhonemeMark> Marks)>();
        TextToSpeechResponseUpdate? last = null;
        int rate = 0;
        await foreach (var update in GetStreamingAudioAsync(text, options, cancellationToken).ConfigureAwait(false))
        {
            var audio = update.Contents.OfType<DataContent>().First();
            pieces.Add((PcmAudioContent.GetSamples(audio), PcmAudioContent.GetMarks(audio)));
            PcmAudioContent.TryGetSampleRate(audio, out rate);
            last = update;
        }

        var samples = new short[pieces.Sum(p => p.Samples.Length)];
        var marks = new List<PhonemeMark>();
        int offset = 0;
        foreach (var (pieceSamples, pieceMarks) in pieces)
        {
            pieceSamples.CopyTo(samples, offset);
            marks.AddRange(pieceMarks.Select(m => m with { OffsetSamples = m.OffsetSamples + offset }));
            offset += pieceSamples.Length;
        }

        return new TextToSpeechResponse([PcmAudioContent.Create(samples, rate, marks)])
        {
            ModelId = last?.ModelId,
            AdditionalProperties = TtsMetrics.Summarize(last, samples.Length / (double)rate),
        };
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Blank or over-long text, or an unknown voice (thrown here, before enumeration).</exception>
    public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        TtsTextGuard.Validate(text, MaxTextLength);
        var request = ResolveRequest(options);
        var sentences = SplitForSynthesis(text);
        if (sentences.Count == 0)
        {
            throw new ArgumentException(TtsTextGuard.EmptyTextMessage + " (only punctuation).", nameof(text));
        }

        return StreamAsync(sentences, request, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => ClientServices.Resolve(this, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Validates the options for this engine and resolves voice and prosody; throws <see cref="ArgumentException"/> on bad values.</summary>
    protected abstract TRequest ResolveRequest(TextToSpeechOptions? options);

    /// <summary>The model id reported on updates (voice name).</summary>
    protected abstract string DescribeModel(TRequest request);

    /// <summary>Synthesises one sentence at the engine's rate (the same for every sentence of a request) with marks relative to its first sample.</summary>
    protected abstract Task<SynthesizedSentence> SynthesizeSentenceAsync(TRequest request, string sentence, int index, CancellationToken cancellationToken);

    protected virtual IReadOnlyList<string> SplitForSynthesis(string text) => SentenceSplitter.SplitSentences(text);

    private async IAsyncEnumerable<TextToSpeechResponseUpdate> StreamAsync(
        IReadOnlyList<string> sentences, TRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var synthesisTime = TimeSpan.Zero;
        double audioSeconds = 0;
        TimeSpan? firstAudio = null;
        string responseId = Guid.NewGuid().ToString("N");
        string model = DescribeModel(request);

        using var lookahead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<(SynthesizedSentence Sentence, TimeSpan Elapsed)>? next = TimedAsync(request, sentences[0], 0, lookahead.Token);
        try
        {
            for (int i = 0; i < sentences.Count; i++)
            {
                var current = next!;
                next = null;
                var (sentence, elapsed) = await current.ConfigureAwait(false);

                // Synthesise the following sentence while the consumer plays/renders this one.
                next = i + 1 < sentences.Count ? TimedAsync(request, sentences[i + 1], i + 1, lookahead.Token) : null;
                synthesisTime += elapsed;
                double sentenceSeconds = sentence.Samples.Length / (double)sentence.SampleRate;
                audioSeconds += sentenceSeconds;
                firstAudio ??= Stopwatch.GetElapsedTime(started);

                yield return new TextToSpeechResponseUpdate([PcmAudioContent.Create(sentence.Samples, sentence.SampleRate, sentence.Marks)])
                {
                    Kind = TextToSpeechResponseUpdateKind.AudioUpdating,
                    ResponseId = responseId,
                    ModelId = model,
                    AdditionalProperties = new AdditionalPropertiesDictionary
                    {
                        [TtsMetrics.FirstAudioMsKey] = firstAudio.Value.TotalMilliseconds,
                        [TtsMetrics.RealTimeFactorKey] = audioSeconds > 0 ? synthesisTime.TotalSeconds / audioSeconds : 0.0,
                        [TtsMetrics.AudioSecondsKey] = sentenceSeconds,
                    },
                };
            }
        }
        finally
        {
            if (next is not null)
            {
                // The consumer stopped early (barge-in): abort the lookahead and observe its outcome.
                await lookahead.CancelAsync().ConfigureAwait(false);
                try
                {
                    await next.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Abandoned work: its result or failure no longer matters to anyone.
                }
            }
        }

        TtsMetrics.Record(new TtsRequestMeasurement(
            EngineName, firstAudio ?? TimeSpan.Zero, TimeSpan.FromSeconds(audioSeconds), synthesisTime));
    }

    private async Task<(SynthesizedSentence, TimeSpan)> TimedAsync(TRequest request, string sentence, int index, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await SynthesizeSentenceAsync(request, sentence, index, cancellationToken).ConfigureAwait(false);
        return (result, Stopwatch.GetElapsedTime(start));
    }
}
