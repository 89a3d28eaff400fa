using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace WebAvatar.Media;

/// <summary>Where the ffmpeg and ffprobe executables are (keys of the "Media" configuration section).</summary>
public sealed class FfmpegOptions
{
    public const string SectionName = "Media";
    public const string FfmpegPathKey = SectionName + ":" + nameof(FfmpegPath);
    public const string FfprobePathKey = SectionName + ":" + nameof(FfprobePath);

    /// <summary>The ffmpeg executable: a name looked up on PATH or a path to the file.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>The ffprobe executable; empty means the ffprobe beside <see cref="FfmpegPath"/> (or on PATH when that is a bare name).</summary>
    public string FfprobePath { get; set; } = "";
}

/// <summary>The attribute rules of <see cref="FfmpegOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class FfmpegOptionsValidator : IValidateOptions<FfmpegOptions>;
