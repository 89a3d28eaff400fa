using Orleans.Placement;

namespace WebAvatar.Cluster.Placement;

/// <summary>Places a session grain on the node with the most free session slots (<see cref="SessionPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SessionPlacementStrategy : PlacementStrategy;

/// <summary>Places a grain on the node its key names (a silo address), e.g. each node's own <see cref="Nodes.INodeGrain"/>.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class NodePinnedPlacementStrategy : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SessionPlacementAttribute() : PlacementAttribute(new SessionPlacementStrategy());

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePinnedPlacementAttribute() : PlacementAttribute(new NodePinnedPlacementStrategy());
