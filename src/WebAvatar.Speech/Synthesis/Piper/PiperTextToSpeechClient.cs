using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>
/// Piper (VITS on ONNX Runtime) as an <see cref="ITextToSpeechClient"/>. Text is phonemised by espeak-ng per clause,
/// encoded with the voice's phoneme_id_map, synthesised one sentence per model run, peak-normalised and
/// streamed per sentence at the voice's own rate, with <see cref="PiperOptions.SentenceSilenceSeconds"/> of silence before every
/// sentence but the first. Marks are spread over each sentence (<see cref="PiperVisemeTimeline"/>): approximate.
/// Voice: <see cref="TextToSpeechOptions.VoiceId"/> (model name), else <see cref="TextToSpeechOptions.Language"/>, else the default.
/// Speed divides length_scale. <c>AdditionalProperties["speaker"]</c> picks a speaker of a multi-speaker voice.
/// Thread-safe.
/// </summary>
public sealed class PiperTextToSpeechClient : SentenceStreamingTextToSpeechClient<PiperTextToSpeechClient.Request>
{
    public const string EngineId = "piper";
    public const string SpeakerProperty = "speaker";

    private readonly PiperVoiceStore _store;
    private readonly PiperOptions _options;
    private readonly string? _defaultVoice;
    private readonly float _defaultSpeed;
    private readonly ILogger _logger;

    public PiperTextToSpeechClient(PiperOptions options, string? defaultVoice = null, int maxTextLength = 4000, float defaultSpeed = 1f, ILogger? logger = null)
        : base(EngineId, maxTextLength, defaultVoice)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, overrides) in options.Voices)
        {
            if (overrides.Validate() is { } problem)
            {
                throw new ArgumentException($"Tts:Piper:Voices:{name}: {problem}.", nameof(options));
            }
        }

        _options = options;
        _store = new PiperVoiceStore(AppPaths.Resolve(options.ModelDirectory), options.IntraOpThreads);
        _logger = logger ?? NullLogger.Instance;
        _defaultSpeed = defaultSpeed;
        var available = _store.ListVoices();
        if (available.Count == 0)
        {
            throw new InvalidOperationException(
                $"No Piper voice in '{_store.Directory}': put <voice>.onnx and <voice>.onnx.json there (or generate one with tools/gen_piper_model.py), or set Tts:Engine to espeak.");
        }

        _defaultVoice = defaultVoice ?? available[0];

        // Load the default voice now so a broken model fails at start-up, not at the first reply.
        _store.Get(_defaultVoice);
    }

    public PiperVoiceStore Voices => _store;

    protected override Request ResolveRequest(TextToSpeechOptions? options)
    {
        PiperVoice voice = options?.VoiceId is { } id ? _store.Get(id)
            : options?.Language is { } language ? _store.FindByLanguage(language)
                ?? throw new VoiceNotFoundException(EngineId, language, _store.ListVoices())
            : _store.Get(_defaultVoice!);

        float speed = options?.Speed ?? _defaultSpeed;
        if (!float.IsFinite(speed) || speed <= 0)
        {
            throw new ArgumentException($"Speed must be a positive number (got {speed}).", nameof(options));
        }

        var overrides = _options.Voices.GetValueOrDefault(voice.Name) ?? new PiperVoiceOverrides();
        var config = voice.Config;
        var scales = new PiperScales(
            overrides.NoiseScale ?? config.NoiseScale, (overrides.LengthScale ?? config.LengthScale) / speed, overrides.NoiseW ?? config.NoiseW);
        string? speaker = options?.AdditionalProperties?.TryGetValue(SpeakerProperty, out var value) == true
            ? Convert.ToString(value, CultureInfo.InvariantCulture)
            : overrides.Speaker;
        return new Request(voice, scales, ResolveSpeaker(voice, speaker));
    }

    protected override string DescribeModel(Request request) => request.Voice.Name;

    protected override async Task<SynthesizedSentence> SynthesizeSentenceAsync(Request request, string sentence, int index, CancellationToken cancellationToken)
    {
        var voice = request.Voice;
        string phonemes = await PiperPhonemizer.PhonemizeSentenceAsync(voice.EspeakVoice, sentence, cancellationToken).ConfigureAwait(false);
        long[] ids = PiperPhonemeEncoder.Encode(phonemes, voice.Config.PhonemeIdMap, out int missing);
        if (missing > 0)
        {
            _logger.LogDebug("Piper voice {Voice}: {Missing} phonemes of '{Phonemes}' are not in its map and were skipped", voice.Name, missing, phonemes);
        }

        float[] audio = await Task.Run(() => voice.Infer(ids, request.Scales, request.SpeakerId, cancellationToken), cancellationToken).ConfigureAwait(false);
        int rate = voice.Config.SampleRate;
        int silence = index == 0 ? 0 : (int)Math.Round(_options.SentenceSilenceSeconds * rate);
        var samples = new short[silence + audio.Length];
        PcmConversion.PeakNormalizeToInt16(audio, samples.AsSpan(silence), $"Piper voice '{voice.Name}'");
        return new SynthesizedSentence(samples, rate, PiperVisemeTimeline.Spread(phonemes, silence, audio.Length));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }
    }

    private static long ResolveSpeaker(PiperVoice voice, string? speaker)
    {
        var config = voice.Config;
        if (string.IsNullOrWhiteSpace(speaker))
        {
            return 0;
        }

        if (config.SpeakerIdMap.TryGetValue(speaker, out int id) || (int.TryParse(speaker, CultureInfo.InvariantCulture, out id) && id >= 0 && id < config.NumSpeakers))
        {
            return id;
        }

        throw new ArgumentException(
            $"Piper voice '{voice.Name}' has no speaker '{speaker}' ({config.NumSpeakers} speakers: {string.Join(", ", config.SpeakerIdMap.Keys.Take(10))}).");
    }

    /// <summary>Resolved voice, scales and speaker of one request.</summary>
    public sealed record Request(PiperVoice Voice, PiperScales Scales, long SpeakerId);
}
