namespace WebAvatar.Web.Admin.Streams;

public enum MirrorState
{
    Stopped,
    Starting,
    Live,
    Failed,
}

/// <summary>What a session's RTMP mirror is doing; <see cref="Detail"/> explains failures (never with a stream key).</summary>
/// <param name="TargetId">The stream target it was started for, when known.</param>
public sealed record MirrorStatus(string SessionId, int? TargetId, MirrorState State, string Detail);

/// <summary>A live session of any node, with what its mirror does, for the stream targets page.</summary>
public sealed record SessionMirror(string SessionId, string Node, string Kind, MirrorStatus Mirror);
