using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Session;

namespace WebAvatar.Media.Rtmp;

/// <summary>
/// The RTMP mirrors of all sessions, for the Web app's API/UI: start a mirror of a session to a target,
/// stop it, list statuses. At most one mirror per (session, target). Thread-safe.
/// </summary>
public sealed class RtmpMirrorManager(
    SessionMediaEncoderFactory sessions,
    IOptions<MediaOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory? loggerFactory = null) : IAsyncDisposable, IDisposable
{
    private readonly object _gate = new();
    private readonly List<RtmpMirror> _mirrors = [];
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;

    /// <summary>
    /// Starts mirroring session <paramref name="sessionId"/> to <paramref name="targetUrl"/> (rtmp://host/app/key) and returns
    /// its status. Idempotent for a running (session, target) pair. Throws <see cref="KeyNotFoundException"/> for an unknown
    /// session and <see cref="ArgumentException"/> for a malformed URL.
    /// </summary>
    public RtmpMirrorStatus Start(string sessionId, string targetUrl)
    {
        if (!sessions.TryGet(sessionId, out var encoder))
        {
            throw new KeyNotFoundException($"No active session '{sessionId}' to mirror; start the session first.");
        }

        return Start(encoder, targetUrl);
    }

    /// <summary>Starts mirroring any encoded source (see <see cref="Start(string, string)"/>).</summary>
    public RtmpMirrorStatus Start(IEncodedMediaSource source, string targetUrl)
    {
        string normalized = RtmpTarget.Parse(targetUrl).OriginalString;
        RtmpMirror mirror;
        lock (_gate)
        {
            var existing = _mirrors.Find(m => m.SessionId == source.SessionId && m.TargetUrl == normalized);
            if (existing is not null && existing.Status.State != RtmpMirrorState.Stopped)
            {
                return existing.Status;
            }

            if (existing is not null)
            {
                _mirrors.Remove(existing);
            }

            mirror = new RtmpMirror(source, normalized, RtmpMirrorSettings.From(options.Value), _loggers.CreateLogger<RtmpMirror>(), timeProvider);
            _mirrors.Add(mirror);
        }

        mirror.Start();
        return mirror.Status;
    }

    /// <summary>Stops the session's mirror to <paramref name="targetUrl"/>, or all its mirrors when null. Returns how many stopped.</summary>
    public async Task<int> StopAsync(string sessionId, string? targetUrl, CancellationToken cancellationToken)
    {
        string? normalized = targetUrl is null ? null : RtmpTarget.Parse(targetUrl).OriginalString;
        List<RtmpMirror> stopping;
        lock (_gate)
        {
            stopping = _mirrors.FindAll(m => m.SessionId == sessionId && (normalized is null || m.TargetUrl == normalized));
            _mirrors.RemoveAll(stopping.Contains);
        }

        await Task.WhenAll(stopping.Select(m => m.StopAsync(cancellationToken))).ConfigureAwait(false);
        return stopping.Count;
    }

    /// <summary>Stops one mirror by its id. Returns false when there is none.</summary>
    public async Task<bool> StopByIdAsync(string mirrorId, CancellationToken cancellationToken)
    {
        RtmpMirror? mirror;
        lock (_gate)
        {
            mirror = _mirrors.Find(m => m.Id == mirrorId);
            if (mirror is not null)
            {
                _mirrors.Remove(mirror);
            }
        }

        if (mirror is null)
        {
            return false;
        }

        await mirror.StopAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Statuses of all mirrors (of one session when <paramref name="sessionId"/> is given).</summary>
    public IReadOnlyList<RtmpMirrorStatus> List(string? sessionId = null)
    {
        lock (_gate)
        {
            return _mirrors.Where(m => sessionId is null || m.SessionId == sessionId).Select(m => m.Status).ToArray();
        }
    }

    /// <summary>Stops every mirror; blocks up to a few seconds while each ffmpeg finishes its stream.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        RtmpMirror[] all;
        lock (_gate)
        {
            all = [.. _mirrors];
            _mirrors.Clear();
        }

        await Task.WhenAll(all.Select(m => m.StopAsync(CancellationToken.None))).ConfigureAwait(false);
    }
}
