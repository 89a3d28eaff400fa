using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Recognition;

/// <summary>Speech recognition settings (configuration section "Whisper").</summary>
public sealed class WhisperOptions
{
    public const string SectionName = "Whisper";

    /// <summary>The values <see cref="Engine"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Engines = [WhisperEngines.Auto, WhisperEngines.WhisperNet, WhisperEngines.Onnx, WhisperEngines.OpenAi];

    /// <summary>
    /// Which engine decodes: "auto" (Whisper.net when a ggml model is found, else ONNX Whisper when its folder is found,
    /// else the transcription server when Asr:OpenAiCompatible:Endpoint is set, else none), "whisper.net", "onnx" or
    /// "openai" (the OpenAI-compatible server of section "Asr:OpenAiCompatible": OpenAI, faster-whisper-server...).
    /// Under "auto" a local model always wins over a configured server. An explicitly chosen engine that cannot load
    /// disables voice input (and says why).
    /// </summary>
    [Required]
    public string Engine { get; set; } = WhisperEngines.Auto;

    /// <summary>A whisper.cpp ggml model file for Whisper.net. Empty: the first <c>{ModelsRoot}/ggml-*.bin</c> (by <see cref="PreferredSize"/>).</summary>
    public string? GgmlModelPath { get; set; }

    /// <summary>Whisper.net CPU threads per decode (0 = half the machine's cores, 1 to 4: the rest is left to the media path).</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>Whisper.net: size the audio context to the utterance (much faster on short utterances) instead of the full 30 s.</summary>
    public bool TrimAudioContext { get; set; } = true;

    /// <summary>A model folder (encoder_model*.onnx, decoder_model_merged*.onnx, tokenizer files). Empty: search <see cref="ModelsRoot"/>.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Folder searched for <c>whisper-*</c> model folders.</summary>
    [Required]
    public string ModelsRoot { get; set; } = "models";

    /// <summary>Preferred size when several are installed ("tiny", "base", "small"); the smallest found otherwise.</summary>
    public string? PreferredSize { get; set; } = "base";

    /// <summary>Prefer the int8 <c>*_quantized.onnx</c> files when both are present.</summary>
    public bool PreferQuantized { get; set; }

    /// <summary>ISO code ("en", "de") to force, or null/"auto" to detect per utterance (the "openai" engine then sends Asr:OpenAiCompatible:Language, if set).</summary>
    public string? Language { get; set; } = "en";

    /// <summary>Cap on generated tokens per utterance (Whisper's limit is 448 including the prompt).</summary>
    [Range(1, 440)]
    public int MaxNewTokens { get; set; } = 128;

    /// <summary>Minimum time between two partial (interim) decodes of a growing utterance.</summary>
    [Range(100, 10_000)]
    public int PartialIntervalMs { get; set; } = 700;

    /// <summary>
    /// Start the end-of-utterance decode at the first silent window instead of after the VAD's min-silence, so the final
    /// is ready (or nearly) when the end is confirmed; costs a wasted decode each time the user pauses and goes on.
    /// </summary>
    public bool SpeculativeFinal { get; set; } = true;

    /// <summary>Utterances are cut at this length (Whisper's window is 30 s).</summary>
    [Range(1, 30)]
    public int MaxUtteranceSeconds { get; set; } = 30;

    /// <summary>
    /// Utterances decoded at the same time across all sessions; more wait (each decode already uses every core).
    /// For the "openai" engine: requests in flight to the server at once.
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrentDecodes { get; set; } = 2;

    /// <summary>ONNX Runtime intra-op threads (0 = runtime default).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>Run on CUDA when the provider is available; falls back to CPU with a log line.</summary>
    public bool UseCuda { get; set; }
}

/// <summary>The attribute rules of <see cref="WhisperOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class WhisperOptionsValidator : IValidateOptions<WhisperOptions>;
