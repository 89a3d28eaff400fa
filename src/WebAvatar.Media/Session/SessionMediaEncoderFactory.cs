using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Rtmp;

namespace WebAvatar.Media.Session;

/// <summary>
/// Makes a session's media parts from the configured settings: its one <see cref="SessionMediaEncoder"/> and the set of
/// RTMP mirrors over it. Keeps no references: the session that asked owns and disposes what it got. Thread-safe.
/// </summary>
public sealed class SessionMediaEncoderFactory(IOptions<MediaOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, FfmpegRunner? ffmpeg = null)
{
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly FfmpegRunner _ffmpeg = ffmpeg ?? new FfmpegRunner();

    /// <summary>Creates the session's encoder; the caller owns it and disposes it when the session ends.</summary>
    public SessionMediaEncoder Create(string sessionId) =>
        new(sessionId, SessionEncoderSettings.From(options.Value), timeProvider, _loggers.CreateLogger<SessionMediaEncoder>());

    /// <summary>Creates the (empty) set of RTMP mirrors over <paramref name="source"/>; the caller owns and disposes it.</summary>
    public RtmpMirrorSet CreateMirrors(IEncodedMediaSource source) =>
        new(source, RtmpMirrorSettings.From(options.Value, _ffmpeg), timeProvider, _loggers);
}
