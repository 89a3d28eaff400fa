using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Media;

/// <summary>
/// Encoding and RTMP settings, bound from the "Media" configuration section and validated at start. The ffmpeg and
/// ffprobe paths of the same section are <see cref="FfmpegOptions"/>, shared with the avatar decoding.
/// </summary>
public sealed class MediaOptions : IValidatableObject
{
    public const string SectionName = "Media";

    [Range(100, 20_000)]
    public int VideoBitrateKbps { get; set; } = 1200;

    [Range(0.5, 10.0)]
    public double KeyFrameIntervalSeconds { get; set; } = 2.0;

    /// <summary>Video codec offered first to WebRTC peers (H264 or Vp8); RTMP always uses H.264.</summary>
    public MediaCodec PreferredVideoCodec { get; set; } = MediaCodec.H264;

    [RegularExpression("^(ultrafast|superfast|veryfast|faster|fast|medium)$", ErrorMessage = "H264Preset must be one of ultrafast, superfast, veryfast, faster, fast, medium.")]
    public string H264Preset { get; set; } = "veryfast";

    [Range(1, 8)]
    public int EncoderThreads { get; set; } = 1;

    [Range(32, 320)]
    public int AacBitrateKbps { get; set; } = 96;

    [Range(8, 256)]
    public int OpusBitrateKbps { get; set; } = 32;

    [Range(100, 10_000)]
    public int MinKeyFrameRequestIntervalMs { get; set; } = 500;

    /// <summary>Packets queued per subscriber before it starts losing them.</summary>
    [Range(8, 65_536)]
    public int SubscriberQueueCapacity { get; set; } = 256;

    /// <summary>
    /// The colour RTMP mirrors show where an avatar's background is removed (WebRTC pages get real transparency); key it in OBS
    /// with a Chroma Key filter. Pick one that appears nowhere on the avatar.
    /// </summary>
    [RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "RtmpChromaKeyColor must be a colour as #rrggbb.")]
    public string RtmpChromaKeyColor { get; set; } = "#00FF00";

    [Range(0.1, 60.0)]
    public double RtmpReconnectMinSeconds { get; set; } = 1.0;

    [Range(1.0, 600.0)]
    public double RtmpReconnectMaxSeconds { get; set; } = 30.0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PreferredVideoCodec.IsVideo())
        {
            yield return new ValidationResult($"PreferredVideoCodec must be H264 or Vp8, not {PreferredVideoCodec}.", [nameof(PreferredVideoCodec)]);
        }

        if (RtmpReconnectMinSeconds > RtmpReconnectMaxSeconds)
        {
            yield return new ValidationResult(
                $"RtmpReconnectMinSeconds ({RtmpReconnectMinSeconds}) must not exceed RtmpReconnectMaxSeconds ({RtmpReconnectMaxSeconds}).",
                [nameof(RtmpReconnectMinSeconds), nameof(RtmpReconnectMaxSeconds)]);
        }
    }
}

/// <summary>The attribute rules of <see cref="MediaOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class MediaOptionsValidator : IValidateOptions<MediaOptions>;
