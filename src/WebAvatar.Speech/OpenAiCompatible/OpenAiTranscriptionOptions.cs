using System.ComponentModel.DataAnnotations;

namespace WebAvatar.Speech.OpenAiCompatible;

/// <summary>
/// Configuration section "Asr:OpenAiCompatible": a server speaking OpenAI's <c>POST /v1/audio/transcriptions</c>
/// (OpenAI, faster-whisper-server, whisper.cpp server, LocalAI...).
/// </summary>
public sealed class OpenAiTranscriptionOptions
{
    public const string SectionName = "Asr:OpenAiCompatible";

    /// <summary>Server root, e.g. http://localhost:8000 (the client appends /v1/audio/transcriptions).</summary>
    [Required]
    public string Endpoint { get; set; } = string.Empty;

    public string? ApiKey { get; set; }

    [Required]
    public string Model { get; set; } = "whisper-1";

    /// <summary>Default spoken language (ISO 639-1, e.g. "en"); null lets the server detect it.</summary>
    public string? Language { get; set; }

    /// <summary>Rate assumed for raw PCM input streams (WAV input carries its own).</summary>
    [Range(8000, 192_000)]
    public int PcmSampleRate { get; set; } = 16_000;

    /// <summary>
    /// How long one request may take before it fails (<see cref="TimeoutException"/>); for conversations
    /// (Whisper:Engine=openai) a timed-out utterance gets an empty transcript.
    /// </summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Conversations (Whisper:Engine=openai) also send the growing utterance for interim transcripts while the user
    /// speaks: one more request every Whisper:PartialIntervalMs (700 ms by default) per speaking user. Off by default:
    /// one request per utterance at its end (plus a speculative one at each pause with Whisper:SpeculativeFinal), which
    /// keeps a paid or shared server's load and cost to the transcripts that are kept.
    /// </summary>
    public bool PartialDecodes { get; set; }
}
