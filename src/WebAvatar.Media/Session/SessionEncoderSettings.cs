namespace WebAvatar.Media.Session;

/// <summary>Encoder settings of one session (normally derived from <see cref="MediaOptions"/>).</summary>
public sealed record SessionEncoderSettings
{
    public int VideoBitrateKbps { get; init; } = 1200;

    public double KeyFrameIntervalSeconds { get; init; } = 2.0;

    public int EncoderThreads { get; init; } = 1;

    public string H264Preset { get; init; } = "veryfast";

    public int AacBitrateKbps { get; init; } = 96;

    public int OpusBitrateKbps { get; init; } = 32;

    /// <summary>Forced keyframes are at least this far apart on the media clock; later requests wait, they are not lost.</summary>
    public TimeSpan MinKeyFrameRequestInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What shows through a removed background on chroma-keyed feeds (RTMP).</summary>
    public (byte R, byte G, byte B) ChromaKeyColor { get; init; } = (0, 255, 0);

    public static SessionEncoderSettings From(MediaOptions options) => new()
    {
        ChromaKeyColor = ParseColor(options.RtmpChromaKeyColor),
        VideoBitrateKbps = options.VideoBitrateKbps,
        KeyFrameIntervalSeconds = options.KeyFrameIntervalSeconds,
        EncoderThreads = options.EncoderThreads,
        H264Preset = options.H264Preset,
        AacBitrateKbps = options.AacBitrateKbps,
        OpusBitrateKbps = options.OpusBitrateKbps,
        MinKeyFrameRequestInterval = TimeSpan.FromMilliseconds(options.MinKeyFrameRequestIntervalMs),
    };

    private static (byte R, byte G, byte B) ParseColor(string hex) =>
        WebAvatar.LipSync.AvatarBackground.TryParseColor(hex, out var color) ? color : throw new ArgumentException($"'{hex}' is not a colour: use #rrggbb.", nameof(hex));
}
