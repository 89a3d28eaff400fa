using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Vad;

/// <summary>Voice activity detection settings (configuration section "Vad").</summary>
public sealed class VadOptions
{
    public const string SectionName = "Vad";

    /// <summary>Silero VAD v5 model; relative paths resolve against the working directory. When missing, an energy detector is used.</summary>
    [Required]
    public string ModelPath { get; set; } = "models/silero_vad_v5.onnx";

    /// <summary>Probability at or above which a window counts as speech.</summary>
    [Range(0.05, 0.99)]
    public float Threshold { get; set; } = 0.5f;

    /// <summary>Probability below which a window counts as silence (hysteresis: must be below <see cref="Threshold"/>).</summary>
    [Range(0.01, 0.95)]
    public float NegativeThreshold { get; set; } = 0.35f;

    /// <summary>Speech shorter than this is ignored (clicks, coughs).</summary>
    [Range(32, 5000)]
    public int MinSpeechMs { get; set; } = 250;

    /// <summary>Silence that ends an utterance (end of turn).</summary>
    [Range(32, 5000)]
    public int MinSilenceMs { get; set; } = 300;

    /// <summary>Widens each detected segment by this much on both sides (Silero's speech_pad_ms): onsets and word tails are soft.</summary>
    [Range(0, 200)]
    public int SpeechPadMs { get; set; } = 30;

    /// <summary>Audio kept before the detected onset so the recogniser hears the first phoneme whole.</summary>
    [Range(0, 1000)]
    public int PreRollMs { get; set; } = 200;

    /// <summary>Energy detector level (dBFS RMS) that maps to probability 0.5; used only without the Silero model.</summary>
    [Range(-90, 0)]
    public float EnergyThresholdDbfs { get; set; } = -40f;

    /// <summary>Runs Silero on CUDA when available (it is tiny: CPU is the sensible default).</summary>
    public bool UseCuda { get; set; }
}

/// <summary>The attribute rules of <see cref="VadOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class VadOptionsValidator : IValidateOptions<VadOptions>;
