using System.Collections.Immutable;

namespace WebAvatar.Cluster.Nodes;

/// <summary>
/// This node's view of every active node's load, refreshed by <see cref="ClusterLoadRefresher"/> and read by placement,
/// admission and the admin view. A node leaves it as soon as membership declares it dead. Thread-safe.
/// </summary>
public sealed class ClusterLoad
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<SiloAddress, NodeLoad> _nodes = ImmutableDictionary<SiloAddress, NodeLoad>.Empty;

    /// <summary>The active nodes, by name.</summary>
    public IReadOnlyList<NodeLoad> Nodes => Volatile.Read(ref _nodes).Values.OrderBy(n => n.Node, StringComparer.Ordinal).ToList();

    /// <summary>Replaces the whole view (one refresh).</summary>
    internal void Replace(IReadOnlyDictionary<SiloAddress, NodeLoad> nodes)
    {
        lock (_gate)
        {
            _nodes = nodes.ToImmutableDictionary();
        }
    }

    internal void Remove(SiloAddress silo)
    {
        lock (_gate)
        {
            _nodes = _nodes.Remove(silo);
        }
    }

    /// <summary>
    /// The compatible node with the most free slots (ties: <paramref name="local"/>, then by name), with one of its slots
    /// counted as taken until the next refresh; null when none has a free slot.
    /// </summary>
    internal SiloAddress? ReserveSlot(IEnumerable<SiloAddress> compatible, SiloAddress local)
    {
        lock (_gate)
        {
            var best = compatible
                .Where(_nodes.ContainsKey)
                .Select(silo => (Silo: silo, Load: _nodes[silo]))
                .Where(n => n.Load.Free > 0)
                .OrderByDescending(n => n.Load.Free)
                .ThenByDescending(n => n.Silo.Equals(local))
                .ThenBy(n => n.Load.Node, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Silo is null)
            {
                return null;
            }

            _nodes = _nodes.SetItem(best.Silo, best.Load with { Sessions = best.Load.Sessions + 1 });
            return best.Silo;
        }
    }
}
