using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Media.Session;

/// <summary>
/// Creates the one <see cref="SessionMediaEncoder"/> of each session and finds it again by session id
/// (the RTMP mirror manager and transports look it up). An encoder leaves the registry when disposed.
/// </summary>
public sealed class SessionMediaEncoderFactory(IOptions<MediaOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
{
    private readonly ConcurrentDictionary<string, SessionMediaEncoder> _encoders = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;

    public IReadOnlyCollection<string> SessionIds => _encoders.Keys.ToArray();

    /// <summary>Creates the session's encoder. The caller (the session) owns it and disposes it when the session ends.</summary>
    public SessionMediaEncoder Create(string sessionId)
    {
        var encoder = new SessionMediaEncoder(sessionId, SessionEncoderSettings.From(options.Value), timeProvider, _loggers.CreateLogger<SessionMediaEncoder>());
        if (!_encoders.TryAdd(sessionId, encoder))
        {
            encoder.Dispose();
            throw new InvalidOperationException($"Session '{sessionId}' already has an encoder; dispose it before creating another.");
        }

        encoder.Disposed += e => _encoders.TryRemove(new KeyValuePair<string, SessionMediaEncoder>(e.SessionId, e));
        return encoder;
    }

    public bool TryGet(string sessionId, [NotNullWhen(true)] out SessionMediaEncoder? encoder) => _encoders.TryGetValue(sessionId, out encoder);
}
