using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>Avatar video preprocessing (configuration section "Wav2Lip:Preprocessing"); the face detector is the app's one (section "FaceDetection").</summary>
public sealed class AvatarPreprocessingOptions
{
    public const string SectionName = "Wav2Lip:Preprocessing";

    /// <summary>Where preprocessed avatars are cached (one sub-folder per source file content and settings).</summary>
    [Required]
    public string CacheDirectory { get; set; } = "wwwroot-assets/avatar-cache";

    /// <summary>Taller videos are scaled down to this height (even), which bounds memory and paste cost.</summary>
    [Range(64, 2160)]
    public int MaxHeight { get; set; } = 720;

    /// <summary>Longest avatar video kept, in frames at 25 fps (it loops ping-pong anyway).</summary>
    [Range(1, 9000)]
    public int MaxFrames { get; set; } = 1500;

    /// <summary>An avatar whose decoded frames exceed this stays JPEG-compressed in memory and is decoded per frame.</summary>
    [Range(0, 65536)]
    public int MaxDecodedMegabytes { get; set; } = 512;

    /// <summary>Frames per resumable chunk: a killed run continues after the last completed chunk.</summary>
    [Range(1, 10_000)]
    public int ChunkFrames { get; set; } = 50;

    /// <summary>Frames without a detected face borrow the nearest detected box, up to this fraction; beyond it the video is rejected.</summary>
    [Range(0.0, 1.0)]
    public double MaxMissingFaceFraction { get; set; } = 0.1;

    [Range(1, 25)]
    public int SmoothingWindow { get; set; } = FaceBoxSmoothing.DefaultWindow;

    /// <summary>Wav2Lip's face pads in pixels (top, bottom, left, right); the bottom pad keeps the chin in the crop.</summary>
    [Range(0, 200)]
    public int PadTop { get; set; }

    [Range(0, 200)]
    public int PadBottom { get; set; } = 10;

    [Range(0, 200)]
    public int PadLeft { get; set; }

    [Range(0, 200)]
    public int PadRight { get; set; }
}

/// <summary>The attribute rules of <see cref="AvatarPreprocessingOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class AvatarPreprocessingOptionsValidator : IValidateOptions<AvatarPreprocessingOptions>;
