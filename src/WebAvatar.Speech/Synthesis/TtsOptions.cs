using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// Configuration section "Tts": which engine speaks and how. Switching provider is a config change:
/// <c>"Tts": { "Engine": "openai", "Endpoint": "http://localhost:8880", "Model": "kokoro", "Voice": "af_bella" }</c>.
/// </summary>
public sealed class TtsOptions
{
    public const string SectionName = "Tts";

    /// <summary>espeak (default, no model needed), piper (VITS voice under <see cref="PiperOptions.ModelDirectory"/>) or openai (HTTP).</summary>
    [Required]
    [RegularExpression("^(?i)(espeak|piper|openai)$", ErrorMessage = "Tts:Engine must be espeak, piper or openai.")]
    public string Engine { get; set; } = TtsEngines.Espeak;

    /// <summary>Default voice: an espeak voice/language ("en-us", "de", "zh"), a Piper model name, or the provider's voice.</summary>
    public string? Voice { get; set; }

    /// <summary>The voice sessions and the CLI ask for when nothing names one: <see cref="Voice"/>, else espeak's default.</summary>
    public string DefaultVoiceId => Voice ?? Espeak.EspeakTextToSpeechClient.DefaultVoice;

    /// <summary>Speed multiplier used when a request does not set one.</summary>
    [Range(0.25, 4.0)]
    public float Speed { get; set; } = 1.0f;

    /// <summary>Pitch multiplier (espeak only) used when a request does not set one.</summary>
    [Range(0.0, 2.0)]
    public float Pitch { get; set; } = 1.0f;

    /// <summary>Longest text accepted by one request; longer input is rejected, not truncated.</summary>
    [Range(1, 1_000_000)]
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>OpenAI-compatible server root, e.g. http://localhost:8880 (the client appends /v1/audio/speech).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Bearer token for the OpenAI-compatible server; empty for local servers.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Model name sent to the OpenAI-compatible server.</summary>
    public string Model { get; set; } = "tts-1";

    /// <summary>pcm (raw s16le at <see cref="PcmSampleRate"/>) or wav.</summary>
    [RegularExpression("^(?i)(pcm|wav)$", ErrorMessage = "Tts:ResponseFormat must be pcm or wav.")]
    public string ResponseFormat { get; set; } = "pcm";

    /// <summary>Rate of raw pcm responses (OpenAI sends 24000).</summary>
    [Range(8000, 192_000)]
    public int PcmSampleRate { get; set; } = 24_000;

    /// <summary>HTTP timeout for one speech request, seconds.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    [ValidateObjectMembers]
    public PiperOptions Piper { get; set; } = new();
}

/// <summary>"Tts:Piper": where voices live and per-voice overrides of the scales in the voice's .onnx.json.</summary>
public sealed class PiperOptions
{
    /// <summary>Folder with &lt;voice&gt;.onnx and &lt;voice&gt;.onnx.json pairs, relative to the working directory or absolute.</summary>
    [Required]
    public string ModelDirectory { get; set; } = "models/piper";

    /// <summary>Per-voice overrides of the .onnx.json scales, keyed by voice name (file name without .onnx).</summary>
    public Dictionary<string, PiperVoiceOverrides> Voices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Silence inserted between sentences, seconds.</summary>
    [Range(0.0, 2.0)]
    public double SentenceSilenceSeconds { get; set; } = 0.2;

    /// <summary>ONNX Runtime intra-op threads per voice (0 = runtime default).</summary>
    [Range(0, 64)]
    public int IntraOpThreads { get; set; } = 1;
}

/// <summary>"Tts:Piper:Voices:&lt;name&gt;": overrides of one voice's inference settings.</summary>
public sealed class PiperVoiceOverrides
{
    /// <summary>Overrides inference.noise_scale (variability of the voice), 0..2.</summary>
    public float? NoiseScale { get; set; }

    /// <summary>Overrides inference.length_scale (1 = normal; larger is slower), 0.1..5. Request speed divides it.</summary>
    public float? LengthScale { get; set; }

    /// <summary>Overrides inference.noise_w (variability of phoneme durations), 0..2.</summary>
    public float? NoiseW { get; set; }

    /// <summary>Speaker of a multi-speaker voice: a name from speaker_id_map or a number.</summary>
    public string? Speaker { get; set; }

    /// <summary>Null when valid, else what is wrong.</summary>
    public string? Validate() =>
        NoiseScale is < 0 or > 2 ? "NoiseScale must be within 0..2"
        : LengthScale is < 0.1f or > 5 ? "LengthScale must be within 0.1..5"
        : NoiseW is < 0 or > 2 ? "NoiseW must be within 0..2"
        : null;
}

/// <summary>Engine names accepted by <see cref="TtsOptions.Engine"/>.</summary>
public static class TtsEngines
{
    public const string Espeak = "espeak";
    public const string Piper = "piper";
    public const string OpenAi = "openai";
}

/// <summary>The attribute rules of <see cref="TtsOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class TtsOptionsValidator : IValidateOptions<TtsOptions>;
