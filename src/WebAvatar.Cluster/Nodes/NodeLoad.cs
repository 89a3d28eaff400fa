namespace WebAvatar.Cluster.Nodes;

/// <summary>One node as the others see it: its name, its session slots and how busy its cores are.</summary>
/// <param name="Silo">The node's Orleans address (its identity in the cluster; the key of its <see cref="INodeGrain"/>).</param>
/// <param name="Media">Where browsers send this node's media: "address:udp-port" as its SDP answers carry it.</param>
/// <param name="CpuPercent">The node's process CPU over the last read, in percent of one core.</param>
public sealed record NodeLoad(string Node, string Silo, string Media, int Sessions, int Capacity, double CpuPercent, DateTimeOffset ReadAt)
{
    public int Free => Math.Max(0, Capacity - Sessions);

    public override string ToString() => $"{Node}: {Sessions}/{Capacity}";
}

/// <summary>A live session as the admin view lists it, wherever it runs.</summary>
public sealed record NodeSession(string Id, string Node, string Kind, string State, string? Avatar, double FramesPerSecond, int Viewers, DateTimeOffset CreatedAt);
