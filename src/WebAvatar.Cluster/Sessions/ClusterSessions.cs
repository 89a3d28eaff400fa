using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebAvatar.Cluster.Nodes;
using WebAvatar.Sessions;

namespace WebAvatar.Cluster.Sessions;

/// <summary>Every node's slots are taken; the message names each node's count.</summary>
public sealed class ClusterFullException(IReadOnlyList<NodeLoad> nodes) : Exception(Describe(nodes))
{
    public IReadOnlyList<NodeLoad> Nodes { get; } = nodes;

    private static string Describe(IReadOnlyList<NodeLoad> nodes) => nodes.Count switch
    {
        0 => "No node of the cluster can take a session right now. Please try again in a minute.",
        // One node (on its own, or the last one left): worded as a single server's refusal, with the node's count.
        1 => $"The avatar is busy: {(nodes[0].Capacity == 1 ? "its one live session is" : $"all {nodes[0].Capacity} live sessions are")} in use ({nodes[0]}). Please try again in a minute.",
        _ => $"Every node of the cluster is full ({string.Join(", ", nodes.Select(n => n.ToString()))} live sessions). Please try again in a minute.",
    };
}

/// <summary>The admin's view of the cluster, as seen from <see cref="Node"/>.</summary>
public sealed record ClusterView(string Node, IReadOnlyList<NodeLoad> Nodes, IReadOnlyList<NodeSession> Sessions);

/// <summary>What the admin dashboard reads of the cluster (<see cref="ClusterSessions"/> answers it).</summary>
public interface IClusterDirectory
{
    /// <summary>Each node's load, read now, and every node's live sessions; a node that does not answer in 2 s is left out.</summary>
    Task<ClusterView> DescribeNodesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Ends session <paramref name="id"/> on whichever node runs it, whatever holds it (a chat page, an API client, a broadcast);
    /// false when no node that answered in 2 s has it.
    /// </summary>
    Task<bool> StopAsync(string id, string reason, CancellationToken cancellationToken);
}

/// <summary>
/// The front door to the cluster's sessions, on every node: starts a session on whichever node has room (cluster-wide
/// admission), and reaches any session wherever it runs (commands, events, WHEP) through its <see cref="ISessionGrain"/>.
/// </summary>
public sealed partial class ClusterSessions(
    IGrainFactory grains,
    ClusterLoad load,
    ClusterLoadRefresher refresher,
    LocalNode node,
    ILogger<ClusterSessions> logger) : IClusterDirectory
{
    private const int MaxPlacements = 4;

    /// <summary>
    /// Starts a session on the node with the most free slots. Throws <see cref="ClusterFullException"/> when every node is
    /// full and <see cref="SessionRefusedException"/> for a request naming an unknown or unusable avatar.
    /// </summary>
    public async Task<SessionView> CreateAsync(SessionSpec spec, CancellationToken cancellationToken)
    {
        await refresher.RefreshAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 0; attempt < MaxPlacements; attempt++)
        {
            if (load.Nodes.All(n => n.Free == 0))
            {
                break;
            }

            SessionOpening opening;
            RequestContext.Set(Placement.SessionPlacementDirector.OpeningKey, true);
            try
            {
                opening = await grains.GetGrain<ISessionGrain>(SessionKeys.NewId()).OpenAsync(spec).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                RequestContext.Remove(Placement.SessionPlacementDirector.OpeningKey);
            }

            switch (opening.Refusal)
            {
                case SessionRefusal.None:
                    return opening.Session!;
                case SessionRefusal.NodeFull:
                    LogPlacedOnFullNode(logger, opening.Message ?? string.Empty);
                    await refresher.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    throw new SessionRefusedException(opening.Refusal, opening.Message ?? opening.Refusal.ToString());
            }
        }

        var nodes = load.Nodes;
        LogClusterFull(logger, string.Join(", ", nodes));
        throw new ClusterFullException(nodes);
    }

    /// <summary>
    /// Every node's sessions that <paramref name="owner"/> may see (null, the dashboard: all of them), oldest first; a node that
    /// does not answer in 2 s is left out.
    /// </summary>
    public async Task<IReadOnlyList<SessionView>> ListAsync(string? owner, CancellationToken cancellationToken)
    {
        if (load.Nodes.Count == 0)
        {
            // Not read yet (this node has only just started): the refresher's next tick is up to a second away.
            await refresher.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return (await AskEveryNodeAsync(load.Nodes, grain => grain.ListOwnedAsync(owner), cancellationToken).ConfigureAwait(false)).OrderBy(v => v.CreatedAt).ToList();
    }

    /// <summary>The cluster as the admin sees it: each node's load (read now) and every node's live sessions.</summary>
    public async Task<ClusterView> DescribeNodesAsync(CancellationToken cancellationToken)
    {
        await refresher.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var nodes = load.Nodes;
        var sessions = await AskEveryNodeAsync(nodes, grain => grain.ListSessionsAsync(), cancellationToken).ConfigureAwait(false);
        return new ClusterView(node.Name, nodes, sessions.OrderBy(s => s.CreatedAt).ToList());
    }

    public async Task<bool> StopAsync(string id, string reason, CancellationToken cancellationToken)
    {
        if (Session(id) is null)
        {
            return false; // not a session id
        }

        // Asked through each node's own grain, not the session's: a chat page's session has no session grain.
        var closed = await AskEveryNodeAsync(load.Nodes, async grain => (IReadOnlyList<bool>)[await grain.CloseSessionAsync(id, reason).ConfigureAwait(false)], cancellationToken).ConfigureAwait(false);
        return closed.Any(c => c);
    }

    /// <summary>Asks each node's grain at once; a node that does not answer within 2 s adds nothing (and a warning).</summary>
    private async Task<IEnumerable<T>> AskEveryNodeAsync<T>(IReadOnlyList<NodeLoad> nodes, Func<INodeGrain, Task<IReadOnlyList<T>>> ask, CancellationToken cancellationToken) =>
        (await EveryNode.AskAsync(grains, nodes.Select(n => (n.Silo, n.Node)), ask, logger, LogLevel.Warning, cancellationToken).ConfigureAwait(false)).SelectMany(a => a.Answer);

    /// <summary>
    /// The grain of session <paramref name="id"/> (a call to one that does not exist answers null or false); null for an id that is
    /// not shaped like a session id, so a URL cannot name (and activate) an arbitrary grain.
    /// </summary>
    public ISessionGrain? Session(string id) => SessionKeys.IsWellFormed(id) ? grains.GetGrain<ISessionGrain>(id) : null;

    /// <summary>
    /// The session's events, the current state first, until it ends or <paramref name="cancellationToken"/> fires; null
    /// when the session is not there for <paramref name="owner"/>. When the session's node dies, the last event is a
    /// <see cref="SessionEnded"/> that says so.
    /// </summary>
    /// <param name="asPage">True for a chat page's follow (its hold on the session shows as the page's).</param>
    public async Task<IAsyncEnumerable<SessionEvent>?> FollowAsync(string id, string? owner, CancellationToken cancellationToken, bool asPage = false)
    {
        if (Session(id) is not { } grain)
        {
            return null;
        }

        var follower = new EventFollower(id);
        var reference = grains.CreateObjectReference<ISessionEventObserver>(follower);

        var host = await grain.FollowAsync(owner, reference, node.SiloKey, asPage).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (host is null)
        {
            grains.DeleteObjectReference<ISessionEventObserver>(reference);
            return null;
        }

        follower.HostSilo = SiloAddress.FromParsableString(host);

        return ReadAsync(grain, id, follower, reference, cancellationToken);
    }

    private async IAsyncEnumerable<SessionEvent> ReadAsync(
        ISessionGrain grain, string id, EventFollower follower, ISessionEventObserver reference, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The session's node is where its grain runs; when that node leaves the cluster the session is gone with it.
        string? hostNode = null;
        void OnNodeLost(string name, SiloAddress silo)
        {
            if (follower.HostSilo is { } host && host.Equals(silo))
            {
                hostNode = name;
                follower.End($"node {name} stopped answering and its sessions ended with it");
            }
        }

        refresher.NodeLost += OnNodeLost;
        try
        {
            await foreach (var e in follower.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
                if (e is SessionEnded)
                {
                    yield break;
                }
            }
        }
        finally
        {
            refresher.NodeLost -= OnNodeLost;
            grains.DeleteObjectReference<ISessionEventObserver>(reference);
            if (hostNode is null)
            {
                try
                {
                    await grain.UnfollowAsync(reference).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LogUnfollowFailed(logger, id, ex.Message);
                }
            }
        }
    }

    /// <summary>Receives a session's events on this node (called by the session's grain, wherever it runs).</summary>
    private sealed class EventFollower(string sessionId) : ISessionEventObserver
    {
        private readonly Channel<SessionEvent> _events = Channel.CreateBounded<SessionEvent>(
            new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public ChannelReader<SessionEvent> Events => _events.Reader;

        /// <summary>The node the session (and its grain) runs on.</summary>
        public SiloAddress? HostSilo { get; set; }

        public Task OnEventAsync(SessionEvent sessionEvent)
        {
            _events.Writer.TryWrite(sessionEvent);
            return Task.CompletedTask;
        }

        public void End(string reason)
        {
            _events.Writer.TryWrite(new SessionEnded(reason) { SessionId = sessionId });
            _events.Writer.TryComplete();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A session was placed on a node that had just filled up ({Detail}); placing it again")]
    private static partial void LogPlacedOnFullNode(ILogger logger, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session refused: every node is full ({Nodes})")]
    private static partial void LogClusterFull(ILogger logger, string nodes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: unfollowing failed ({Reason})")]
    private static partial void LogUnfollowFailed(ILogger logger, string sessionId, string reason);
}
