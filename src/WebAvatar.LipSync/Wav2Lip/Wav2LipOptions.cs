using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.LipSync.Wav2Lip;

/// <summary>Wav2Lip engine settings (configuration section "Wav2Lip").</summary>
public sealed class Wav2LipOptions
{
    public const string SectionName = "Wav2Lip";

    /// <summary>Model file or glob (wildcards in the file name only), resolved with AppPaths; the first match by name is used.</summary>
    [Required]
    public string ModelPath { get; set; } = "models/wav2lip*.onnx";

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime pick (all cores).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Frames per inference batch after the first one. Keep a batch under ~200 ms (`bench wav2lip`): 2 on a small CPU;
    /// 8-16 on a GPU, where batching is what makes it fast.
    /// </summary>
    [Range(1, 128)]
    public int BatchSize { get; set; } = 2;

    /// <summary>Frames in the first batch of every clip: small, so the first speaking frame is out quickly.</summary>
    [Range(1, 128)]
    public int FirstBatchSize { get; set; } = 1;

    /// <summary>Try the CUDA execution provider first; without it (the CPU-only package) the engine logs and uses the CPU.</summary>
    public bool UseCuda { get; set; }

    /// <summary>Video frames whose audio window has an RMS below this (full scale = 1) keep the base frame: no inference.</summary>
    [Range(0.0, 1.0)]
    public double SilenceRms { get; set; } = 0.003;

    /// <summary>Preprocessed avatars kept in memory for new sessions (each costs width x height x 3 bytes per frame).</summary>
    [Range(0, 64)]
    public int CachedAvatars { get; set; } = 2;
}

/// <summary>The attribute rules of <see cref="Wav2LipOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class Wav2LipOptionsValidator : IValidateOptions<Wav2LipOptions>;
