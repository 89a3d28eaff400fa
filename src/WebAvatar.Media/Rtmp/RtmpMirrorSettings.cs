namespace WebAvatar.Media.Rtmp;

/// <summary>How a mirror runs ffmpeg and retries (normally derived from <see cref="MediaOptions"/>).</summary>
public sealed record RtmpMirrorSettings
{
    public FfmpegRunner Ffmpeg { get; init; } = new();

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection that streamed at least this long resets the backoff to <see cref="ReconnectMin"/>.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(10);

    public int QueueCapacity { get; init; } = 256;

    public int VideoBitrateKbps { get; init; } = 1200;

    public int AacBitrateKbps { get; init; } = 96;

    public static RtmpMirrorSettings From(MediaOptions options, FfmpegRunner ffmpeg) => new()
    {
        Ffmpeg = ffmpeg,
        ReconnectMin = TimeSpan.FromSeconds(options.RtmpReconnectMinSeconds),
        ReconnectMax = TimeSpan.FromSeconds(options.RtmpReconnectMaxSeconds),
        QueueCapacity = options.SubscriberQueueCapacity,
        VideoBitrateKbps = options.VideoBitrateKbps,
        AacBitrateKbps = options.AacBitrateKbps,
    };

    /// <summary>Next wait after a failed attempt: doubles from <see cref="ReconnectMin"/> up to <see cref="ReconnectMax"/>.</summary>
    public TimeSpan NextBackoff(TimeSpan current) =>
        current < ReconnectMin ? ReconnectMin : TimeSpan.FromTicks(Math.Min(current.Ticks * 2, ReconnectMax.Ticks));
}
