namespace WebAvatar.Media.Rtmp;

public enum RtmpMirrorState
{
    /// <summary>ffmpeg started, waiting for it to report that the server accepted the stream.</summary>
    Connecting,

    /// <summary>ffmpeg is relaying to the server.</summary>
    Streaming,

    /// <summary>The relay failed (ffmpeg exited, server gone); waiting out the backoff before the next attempt.</summary>
    Reconnecting,

    /// <summary>Stopped on request, or the session ended.</summary>
    Stopped,
}

/// <summary>A snapshot of one mirror for the API/UI. <see cref="TargetUrl"/> has the stream key masked, and so has every URL in <see cref="LastError"/>.</summary>
/// <param name="Uptime">Time since the current connection started streaming (zero when not streaming).</param>
/// <param name="SentFrames">Video frames handed to ffmpeg since the mirror started (all connections).</param>
/// <param name="DroppedFrames">Packets this mirror lost because it could not keep up (all connections).</param>
public sealed record RtmpMirrorStatus(
    string Id,
    string SessionId,
    string TargetUrl,
    RtmpMirrorState State,
    double BitrateKbps,
    long SentFrames,
    long DroppedFrames,
    TimeSpan Uptime,
    string? LastError,
    int ReconnectCount)
{
    /// <summary>One line for people on what the mirror is doing (key-free: <see cref="LastError"/> has its URLs masked).</summary>
    public string Describe() => State switch
    {
        RtmpMirrorState.Streaming => $"{BitrateKbps:0} kbit/s, {SentFrames} frames sent, {DroppedFrames} dropped, up {Uptime:hh\\:mm\\:ss}",
        RtmpMirrorState.Reconnecting => $"Reconnecting (attempt {ReconnectCount}): {LastError ?? "unknown error"}",
        RtmpMirrorState.Connecting => "Connecting to the RTMP server",
        _ => LastError is null ? "Stopped" : "Stopped: " + LastError,
    };
}
