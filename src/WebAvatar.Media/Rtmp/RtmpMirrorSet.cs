using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebAvatar.Media.Rtmp;

/// <summary>
/// The RTMP mirrors of one session's encoded output, owned by that session: start a mirror to a target, stop it, list
/// statuses. At most one mirror per target. Thread-safe. Disposing stops every mirror (blocking a few seconds at most
/// while each ffmpeg finishes its stream).
/// </summary>
public sealed class RtmpMirrorSet(
    IEncodedMediaSource source,
    RtmpMirrorSettings settings,
    TimeProvider timeProvider,
    ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<RtmpMirror> _mirrors = [];
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    private bool _disposed;

    /// <summary>
    /// Starts mirroring to <paramref name="targetUrl"/> (rtmp://host/app/key) and returns its status. Idempotent for a running
    /// target. Throws <see cref="ArgumentException"/> for a malformed URL and <see cref="ObjectDisposedException"/> once the
    /// session has ended.
    /// </summary>
    public RtmpMirrorStatus Start(string targetUrl)
    {
        string normalized = RtmpTarget.Parse(targetUrl).OriginalString;
        RtmpMirror mirror;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var existing = _mirrors.Find(m => m.TargetUrl == normalized);
            if (existing is not null && existing.Status.State != RtmpMirrorState.Stopped)
            {
                return existing.Status;
            }

            if (existing is not null)
            {
                _mirrors.Remove(existing);
            }

            mirror = new RtmpMirror(source, normalized, settings, _loggers.CreateLogger<RtmpMirror>(), timeProvider);
            _mirrors.Add(mirror);
        }

        mirror.Start();
        return mirror.Status;
    }

    /// <summary>Stops the mirror to <paramref name="targetUrl"/>, or every mirror when null. Returns how many stopped.</summary>
    public async Task<int> StopAsync(string? targetUrl, CancellationToken cancellationToken)
    {
        string? normalized = targetUrl is null ? null : RtmpTarget.Parse(targetUrl).OriginalString;
        List<RtmpMirror> stopping;
        lock (_gate)
        {
            stopping = _mirrors.FindAll(m => normalized is null || m.TargetUrl == normalized);
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

    /// <summary>Statuses of the session's mirrors (stream keys masked).</summary>
    public IReadOnlyList<RtmpMirrorStatus> List()
    {
        lock (_gate)
        {
            return _mirrors.Select(m => m.Status).ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        await StopAsync(null, CancellationToken.None).ConfigureAwait(false);
    }
}
