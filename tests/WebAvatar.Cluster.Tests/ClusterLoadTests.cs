using System.Net;
using Orleans.Runtime;
using WebAvatar.Cluster.Nodes;

namespace WebAvatar.Cluster.Tests;

public sealed class ClusterLoadTests
{
    private static readonly SiloAddress A = Silo(11111), B = Silo(11112), C = Silo(11113);

    [Fact]
    public void The_node_with_the_most_free_slots_takes_each_session_and_its_slot_counts_as_taken_until_the_next_read()
    {
        var load = Load((A, "a", 1, 2), (B, "b", 0, 3), (C, "c", 0, 1));

        // Free: a 1, b 3, c 1. B takes sessions until it is level with the others; then the local node (a) wins the tie.
        Assert.Equal(B, load.ReserveSlot([A, B, C], local: A));
        Assert.Equal(B, load.ReserveSlot([A, B, C], local: A));
        Assert.Equal(A, load.ReserveSlot([A, B, C], local: A));
        Assert.Equal(["a: 2/2", "b: 2/3", "c: 0/1"], load.Nodes.Select(n => n.ToString()));

        // Free: b 1, c 1, local a full: the tie goes by name.
        Assert.Equal(B, load.ReserveSlot([A, B, C], local: A));
        Assert.Equal(C, load.ReserveSlot([A, B, C], local: A));
        Assert.Null(load.ReserveSlot([A, B, C], local: A));
        Assert.All(load.Nodes, n => Assert.Equal(0, n.Free));
    }

    [Fact]
    public void Only_nodes_that_can_host_the_grain_and_are_in_the_table_count()
    {
        var load = Load((A, "a", 0, 1), (B, "b", 0, 5));
        Assert.Equal(A, load.ReserveSlot([A, C], local: C)); // B cannot host it; C has not reported its load
        Assert.Null(load.ReserveSlot([A, C], local: C));
    }

    [Fact]
    public void A_node_that_left_takes_its_slots_out_of_admission()
    {
        var load = Load((A, "a", 1, 1), (B, "b", 0, 1));
        load.Remove(B);
        Assert.Equal(["a: 1/1"], load.Nodes.Select(n => n.ToString()));
        Assert.Null(load.ReserveSlot([A, B], local: A));
    }

    [Fact]
    public void A_full_cluster_is_refused_with_every_nodes_count()
    {
        var load = Load((B, "node-b", 2, 2), (A, "node-a", 1, 1));
        var refusal = new Sessions.ClusterFullException(load.Nodes);
        Assert.Equal(
            "Every node of the cluster is full (node-a: 1/1, node-b: 2/2 live sessions). Please try again in a minute.",
            refusal.Message);
    }

    private static ClusterLoad Load(params (SiloAddress Silo, string Name, int Sessions, int Capacity)[] nodes)
    {
        var load = new ClusterLoad();
        load.Replace(nodes.ToDictionary(
            n => n.Silo,
            n => new NodeLoad(n.Name, n.Silo.ToParsableString(), "127.0.0.1:5090", n.Sessions, n.Capacity, 0, DateTimeOffset.UnixEpoch)));
        return load;
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);
}
