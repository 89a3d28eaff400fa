using WebAvatar.Cluster.Placement;
using WebAvatar.Cluster.Sessions;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Cluster.Nodes;

[NodePinnedPlacement]
internal sealed class NodeGrain(LocalNode node, SessionRegistry registry) : Grain, INodeGrain
{
    public Task<IReadOnlyList<SessionView>> ListOwnedAsync(string? owner) => Task.FromResult<IReadOnlyList<SessionView>>(
        registry.Sessions.Where(s => s.IsOwnedBy(owner)).Select(s => SessionView.From(s, node.Name)).ToList());

    public Task<NodeLoad> GetLoadAsync() => Task.FromResult(node.Read());

    public Task<IReadOnlyList<NodeSession>> ListSessionsAsync() => Task.FromResult(node.ListSessions());

    public Task<bool> CloseSessionAsync(string sessionId, string reason) => registry.CloseAsync(sessionId, reason);
}
