using Orleans.Runtime.Placement;
using WebAvatar.Cluster.Nodes;

namespace WebAvatar.Cluster.Placement;

/// <summary>
/// Puts a new session where a slot is free: the compatible node with the most free slots in this node's
/// <see cref="ClusterLoad"/> (ties go to the node placing it, then to the first by name), reserving that slot until the next
/// read so that sessions placed at the same moment spread out. A session that finds its node full after all is placed again
/// by the front door (<see cref="Sessions.ClusterSessions"/>).
/// </summary>
internal sealed class SessionPlacementDirector(ClusterLoad load) : IPlacementDirector
{
    /// <summary>Request-context key the front door sets while it opens a session: only then is a slot reserved.</summary>
    public const string OpeningKey = "webavatar-opening";

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        // Any other call activating a session grain names a session that has ended or never was: it answers "not found"
        // from here, and must not take a slot from the table.
        if (target.RequestContextData?.ContainsKey(OpeningKey) != true)
        {
            return Task.FromResult(context.LocalSilo);
        }

        return Task.FromResult(load.ReserveSlot(context.GetCompatibleSilos(target), context.LocalSilo) ?? context.LocalSilo);
    }
}

/// <summary>Places a grain keyed by a silo address on that silo; refuses when that node is not in the cluster.</summary>
internal sealed class NodePinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        var silo = SiloAddress.FromParsableString(key);
        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new SiloUnavailableException($"Node {key} is not an active member of the cluster.");
        }

        return Task.FromResult(silo);
    }
}
