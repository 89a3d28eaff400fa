namespace WebAvatar.Web.Admin.Streams;

/// <summary>Registered until the media layer provides an RTMP mirror: every call answers plainly that it is missing.</summary>
internal sealed class UnavailableStreamMirrorController : IStreamMirrorController
{
    public const string Reason = "Not available yet: the media mirror (RTMP output) is not installed in this build.";

    public bool IsAvailable => false;

    public Task<MirrorStatus> StartAsync(string sessionId, string rtmpUrl, string streamKey, int targetId, CancellationToken cancellationToken) =>
        Task.FromResult(new MirrorStatus(sessionId, targetId, MirrorState.Unavailable, Reason));

    public Task<MirrorStatus> StopAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(GetStatus(sessionId));

    public MirrorStatus GetStatus(string sessionId) => new(sessionId, null, MirrorState.Unavailable, Reason);
}
