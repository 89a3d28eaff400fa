using WebAvatar.Media.Rtmp;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Admin.Streams;

/// <summary>
/// The dashboard's mirror control over each session's own RTMP mirrors. One target per session from the dashboard
/// (the session keeps the target's id as the mirror's label); the stream key travels only inside the URL handed to the
/// session and is never put into a status detail.
/// </summary>
internal sealed class RtmpStreamMirrorController(SessionRegistry sessions) : IStreamMirrorController
{
    public bool IsAvailable => true;

    public async Task<MirrorStatus> StartAsync(string sessionId, string rtmpUrl, string streamKey, int targetId, CancellationToken cancellationToken)
    {
        if (sessions.Find(sessionId) is not { IsClosed: false } session)
        {
            return new MirrorStatus(sessionId, targetId, MirrorState.Failed, "The session is no longer running.");
        }

        try
        {
            await session.Mirrors.StopAsync(null, cancellationToken);
            var status = session.StartMirror(PublishUrl(rtmpUrl, streamKey), targetId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ToStatus(session, status);
        }
        catch (ObjectDisposedException)
        {
            return new MirrorStatus(sessionId, targetId, MirrorState.Failed, "The session is no longer running.");
        }
        catch (ArgumentException)
        {
            // The parser's messages may quote the URL, which holds the key: report without it.
            return new MirrorStatus(sessionId, targetId, MirrorState.Failed, "The target's RTMP URL or key is not accepted; check them on this page.");
        }
    }

    public async Task<MirrorStatus> StopAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (sessions.Find(sessionId) is { } session)
        {
            await session.Mirrors.StopAsync(null, cancellationToken);
        }

        return GetStatus(sessionId);
    }

    public MirrorStatus GetStatus(string sessionId)
    {
        var session = sessions.Find(sessionId);
        var status = session?.Mirrors.List().FirstOrDefault();
        return session is null || status is null ? new MirrorStatus(sessionId, null, MirrorState.Stopped, "Not mirrored") : ToStatus(session, status);
    }

    internal static string PublishUrl(string rtmpUrl, string streamKey) =>
        string.IsNullOrEmpty(streamKey) ? rtmpUrl.TrimEnd('/') : rtmpUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(streamKey);

    /// <summary>A mirror's state and a key-free detail line, with the target id it was labelled with (if any).</summary>
    internal static MirrorStatus ToStatus(LiveSession session, RtmpMirrorStatus status)
    {
        int? target = int.TryParse(session.MirrorLabel(status.Id), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
        return new MirrorStatus(session.Id, target, MirrorStates.Of(status.State), status.Describe());
    }
}
