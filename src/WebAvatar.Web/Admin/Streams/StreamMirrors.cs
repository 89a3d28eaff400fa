using System.Globalization;
using WebAvatar.Cluster.Sessions;
using WebAvatar.Media.Rtmp;

namespace WebAvatar.Web.Admin.Streams;

/// <summary>
/// The dashboard's RTMP mirrors of live sessions on every node of the cluster: one stream target per session, started,
/// stopped and read through the session's grain, so the node that runs the session streams it. The stream key travels
/// only inside the URL handed to the session and is never put into a status.
/// </summary>
public sealed class StreamMirrors(ClusterSessions sessions, StreamTargetStore targets)
{
    /// <summary>The URL a stream target publishes to: its RTMP URL with the escaped key as the last segment.</summary>
    public static string PublishUrl(string rtmpUrl, string streamKey) =>
        string.IsNullOrEmpty(streamKey) ? rtmpUrl.TrimEnd('/') : rtmpUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(streamKey);

    /// <summary>Every node's live sessions with their mirrors, oldest first (a node that does not answer in 2 s is left out).</summary>
    public async Task<IReadOnlyList<SessionMirror>> ListAsync(CancellationToken cancellationToken) =>
        (await sessions.ListAsync(null, cancellationToken))
            .Select(s => new SessionMirror(s.Id, s.Node, s.Kind.ToString().ToLowerInvariant(), StatusOf(s.Id, s.Mirrors)))
            .ToList();

    public async Task<MirrorStatus> GetStatusAsync(string sessionId, CancellationToken cancellationToken) =>
        sessions.Session(sessionId) is { } grain && await grain.DescribeAsync(null).WaitAsync(cancellationToken) is { } session
            ? StatusOf(sessionId, session.Mirrors)
            : NotMirrored(sessionId);

    /// <summary>
    /// Mirrors session <paramref name="sessionId"/> to stream target <paramref name="targetId"/> in place of what it mirrored
    /// before. Returns once the session has started the mirror, not once it is live. Throws <see cref="StreamTargetNotFoundException"/>.
    /// </summary>
    public async Task<MirrorStatus> StartAsync(string sessionId, int targetId, CancellationToken cancellationToken)
    {
        var target = await targets.GetWithKeyAsync(targetId, cancellationToken) ?? throw new StreamTargetNotFoundException(targetId);
        var url = PublishUrl(target.RtmpUrl, target.StreamKey);
        try
        {
            RtmpTarget.Parse(url);
        }
        catch (ArgumentException)
        {
            // The parser's message quotes the URL, which holds the key: say it without.
            return new MirrorStatus(sessionId, targetId, MirrorState.Failed, $"Stream target '{target.Name}' has no usable publish URL ({RtmpTarget.Mask(url)}); check it on this page.");
        }

        var mirror = sessions.Session(sessionId) is { } grain
            ? await grain.StartMirrorAsync(url, targetId.ToString(CultureInfo.InvariantCulture)).WaitAsync(cancellationToken)
            : null;
        return mirror is null
            ? new MirrorStatus(sessionId, targetId, MirrorState.Failed, "The session is no longer running.")
            : StatusOf(sessionId, [mirror]);
    }

    /// <summary>Stops the session's mirrors (each finishes its stream) and answers what is left.</summary>
    public async Task<MirrorStatus> StopAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (sessions.Session(sessionId) is { } grain)
        {
            await grain.StopMirrorsAsync().WaitAsync(cancellationToken);
        }

        return await GetStatusAsync(sessionId, cancellationToken);
    }

    /// <summary>The target id a mirror was started for (its label), when it was started for one.</summary>
    public static int? TargetOf(MirrorView mirror) =>
        int.TryParse(mirror.Label, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static MirrorStatus StatusOf(string sessionId, IReadOnlyList<MirrorView> mirrors) =>
        mirrors.FirstOrDefault() is { } mirror
            ? new MirrorStatus(sessionId, TargetOf(mirror), MirrorStates.Of(mirror.State), mirror.Detail)
            : NotMirrored(sessionId);

    private static MirrorStatus NotMirrored(string sessionId) => new(sessionId, null, MirrorState.Stopped, "Not mirrored");
}
