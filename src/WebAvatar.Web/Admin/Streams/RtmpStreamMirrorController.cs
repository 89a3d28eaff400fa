using System.Collections.Concurrent;
using WebAvatar.Media.Rtmp;

namespace WebAvatar.Web.Admin.Streams;

/// <summary>
/// The dashboard's mirror control over the media layer's <see cref="RtmpMirrorManager"/>. One target per
/// session from the dashboard; the stream key travels only inside the URL handed to the manager and is never
/// put into a status detail.
/// </summary>
internal sealed class RtmpStreamMirrorController(RtmpMirrorManager mirrors) : IStreamMirrorController
{
    private readonly ConcurrentDictionary<string, int> _targets = new();

    public bool IsAvailable => true;

    public async Task<MirrorStatus> StartAsync(string sessionId, string rtmpUrl, string streamKey, int targetId, CancellationToken cancellationToken)
    {
        await mirrors.StopAsync(sessionId, null, cancellationToken);
        try
        {
            var status = mirrors.Start(sessionId, PublishUrl(rtmpUrl, streamKey));
            _targets[sessionId] = targetId;
            return ToStatus(sessionId, status);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException)
        {
            // The manager's messages may quote the URL, which holds the key: report without it.
            return new MirrorStatus(sessionId, targetId, MirrorState.Failed,
                ex is KeyNotFoundException ? "The session is no longer running." : "The target's RTMP URL or key is not accepted; check them on this page.");
        }
    }

    public async Task<MirrorStatus> StopAsync(string sessionId, CancellationToken cancellationToken)
    {
        await mirrors.StopAsync(sessionId, null, cancellationToken);
        _targets.TryRemove(sessionId, out _);
        return GetStatus(sessionId);
    }

    public MirrorStatus GetStatus(string sessionId)
    {
        var status = mirrors.List(sessionId).FirstOrDefault();
        return status is null ? new MirrorStatus(sessionId, null, MirrorState.Stopped, "Not mirrored") : ToStatus(sessionId, status);
    }

    internal static string PublishUrl(string rtmpUrl, string streamKey) =>
        string.IsNullOrEmpty(streamKey) ? rtmpUrl.TrimEnd('/') : rtmpUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(streamKey);

    private MirrorStatus ToStatus(string sessionId, RtmpMirrorStatus status)
    {
        int? target = _targets.TryGetValue(sessionId, out var id) ? id : null;
        var state = status.State switch
        {
            RtmpMirrorState.Streaming => MirrorState.Live,
            RtmpMirrorState.Stopped => MirrorState.Stopped,
            RtmpMirrorState.Connecting => MirrorState.Starting,
            _ => MirrorState.Starting,
        };
        var detail = status.State switch
        {
            RtmpMirrorState.Streaming => $"{status.BitrateKbps:0} kbit/s, {status.SentFrames} frames sent, {status.DroppedFrames} dropped, up {status.Uptime:hh\\:mm\\:ss}",
            RtmpMirrorState.Reconnecting => $"Reconnecting (attempt {status.ReconnectCount}): {Redact(status.LastError)}",
            RtmpMirrorState.Connecting => "Connecting to the RTMP server",
            _ => status.LastError is null ? "Stopped" : "Stopped: " + Redact(status.LastError),
        };
        return new MirrorStatus(sessionId, target, state, detail);
    }

    // ffmpeg errors can quote the publish URL; cut anything that looks like one.
    private static string Redact(string? error) =>
        string.IsNullOrEmpty(error) ? "unknown error"
            : System.Text.RegularExpressions.Regex.Replace(error, @"rtmps?://\S+", "rtmp://…");
}
