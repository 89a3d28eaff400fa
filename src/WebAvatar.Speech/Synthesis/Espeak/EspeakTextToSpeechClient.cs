using Microsoft.Extensions.AI;

namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>
/// espeak-ng in process (libespeak-ng, no process per sentence) as an <see cref="ITextToSpeechClient"/>.
/// Voice: <see cref="TextToSpeechOptions.VoiceId"/>, else <see cref="TextToSpeechOptions.Language"/>, else the configured default.
/// Speed/Pitch/Volume are multipliers (1 = normal). Marks come from espeak's own phoneme events (real timing).
/// Thread-safe: any number of sessions may call at once; native work is serialised per sentence by <see cref="EspeakRuntime"/>.
/// </summary>
public sealed class EspeakTextToSpeechClient : SentenceStreamingTextToSpeechClient<EspeakTextToSpeechClient.Request>
{
    public const string DefaultVoice = "en-us";

    private readonly EspeakRuntime _runtime;
    private readonly string _defaultVoice;
    private readonly float _defaultSpeed;
    private readonly float _defaultPitch;

    public EspeakTextToSpeechClient(string? defaultVoice = null, int maxTextLength = 4000, float defaultSpeed = 1f, float defaultPitch = 1f)
        : base(EspeakVoiceResolver.EngineName, maxTextLength, defaultVoice ?? DefaultVoice)
    {
        _runtime = EspeakRuntime.Shared;
        _defaultVoice = defaultVoice ?? DefaultVoice;
        _defaultSpeed = defaultSpeed;
        _defaultPitch = defaultPitch;

        // Fail at construction (start-up) rather than at the first reply when the configured voice is missing.
        EspeakVoiceResolver.Resolve(_runtime.Voices, _defaultVoice);
    }

    /// <summary>Voices installed with espeak-ng (for the health/admin page).</summary>
    public static IReadOnlyList<EspeakVoiceInfo> ListVoices() => EspeakRuntime.Shared.Voices;

    protected override Request ResolveRequest(TextToSpeechOptions? options)
    {
        string requested = options?.VoiceId ?? options?.Language ?? _defaultVoice;
        var voice = EspeakVoiceResolver.Resolve(_runtime.Voices, requested);
        float speed = options?.Speed ?? _defaultSpeed;
        float pitch = options?.Pitch ?? _defaultPitch;
        float volume = options?.Volume ?? 1f;
        if (!float.IsFinite(speed) || speed <= 0 || !float.IsFinite(pitch) || pitch < 0 || !float.IsFinite(volume) || volume < 0)
        {
            throw new ArgumentException($"Speed must be > 0, pitch and volume >= 0 (got speed {speed}, pitch {pitch}, volume {volume}).", nameof(options));
        }

        return new Request(voice, EspeakProsody.FromMultipliers(speed, pitch, volume));
    }

    protected override string DescribeModel(Request request) => request.Voice.Identifier;

    protected override async Task<SynthesizedSentence> SynthesizeSentenceAsync(Request request, string sentence, int index, CancellationToken cancellationToken)
    {
        var result = await _runtime.SynthesizeAsync(request.Voice, request.Prosody, sentence, cancellationToken).ConfigureAwait(false);
        return new SynthesizedSentence(result.Samples, result.SampleRate, ToMarks(result.Phonemes, result.Samples.Length, result.SampleRate));
    }

    private static List<PhonemeMark> ToMarks(IReadOnlyList<(int Milliseconds, string Ipa)> phonemes, int sampleCount, int sampleRate)
    {
        var marks = new List<PhonemeMark>(phonemes.Count + 1);
        int previous = 0;
        foreach (var (ms, ipa) in phonemes)
        {
            // Clamp into the audio and keep offsets non-decreasing whatever the event order.
            int offset = Math.Clamp((int)((long)ms * sampleRate / 1000), previous, Math.Max(0, sampleCount - 1));
            marks.Add(new PhonemeMark(offset, ipa, IpaVisemeMap.Map(ipa)));
            previous = offset;
        }

        if (marks.Count == 0 || marks[0].OffsetSamples > 0)
        {
            marks.Insert(0, new PhonemeMark(0, string.Empty, Viseme.Rest));
        }

        return marks;
    }

    /// <summary>Resolved voice and prosody of one request.</summary>
    public sealed record Request(EspeakVoiceInfo Voice, EspeakProsody Prosody);
}
