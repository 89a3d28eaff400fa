namespace WebAvatar.Cluster.Nodes;

/// <summary>
/// One per node, keyed by the node's silo address and always activated on that node (<see cref="Placement.NodePinnedPlacementAttribute"/>):
/// how the other nodes read its load and its sessions.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    Task<NodeLoad> GetLoadAsync();

    Task<IReadOnlyList<NodeSession>> ListSessionsAsync();

    /// <summary>The sessions of this node that <paramref name="owner"/> may see (<see cref="Sessions.SessionOwnership.IsOwnedBy"/>: null, the dashboard, sees all).</summary>
    Task<IReadOnlyList<Sessions.SessionView>> ListOwnedAsync(string? owner);

    /// <summary>Ends session <paramref name="sessionId"/> if this node runs it (any kind); false when it does not.</summary>
    Task<bool> CloseSessionAsync(string sessionId, string reason);
}
