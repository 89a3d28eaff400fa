namespace WebAvatar.Web.Admin.Streams;

public enum MirrorState
{
    Unavailable,
    Stopped,
    Starting,
    Live,
    Failed,
}

/// <summary>What a session's RTMP mirror is doing; <see cref="Detail"/> explains failures and unavailability.</summary>
public sealed record MirrorStatus(string SessionId, int? TargetId, MirrorState State, string Detail);

/// <summary>
/// Starts and stops the RTMP mirror of a live session (the media layer implements it; the dashboard calls
/// it). Start/Stop return once the request is accepted, not when the stream is live: poll <see cref="GetStatus"/>.
/// </summary>
public interface IStreamMirrorController
{
    /// <summary>False while no media layer has registered a real mirror.</summary>
    bool IsAvailable { get; }

    Task<MirrorStatus> StartAsync(string sessionId, string rtmpUrl, string streamKey, int targetId, CancellationToken cancellationToken);

    Task<MirrorStatus> StopAsync(string sessionId, CancellationToken cancellationToken);

    MirrorStatus GetStatus(string sessionId);
}
