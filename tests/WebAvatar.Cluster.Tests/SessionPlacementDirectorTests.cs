using System.Net;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using WebAvatar.Cluster.Nodes;
using WebAvatar.Cluster.Placement;

namespace WebAvatar.Cluster.Tests;

public sealed class SessionPlacementDirectorTests
{
    private static readonly SiloAddress Local = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress Other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task An_opening_session_goes_to_the_freest_node_and_takes_its_slot()
    {
        var load = LoadWith(localFree: 1, otherFree: 2);
        var director = new SessionPlacementDirector(load);

        Assert.Equal(Other, await director.OnAddActivation(new SessionPlacementStrategy(), Opening(), new Context()));
        Assert.Equal(1, load.Nodes.Single(n => n.Node == "other").Free);
    }

    [Fact]
    public async Task A_call_that_opens_nothing_stays_local_and_takes_no_slot()
    {
        // A URL naming an ended or made-up session must not eat into admission.
        var load = LoadWith(localFree: 1, otherFree: 2);
        var director = new SessionPlacementDirector(load);

        Assert.Equal(Local, await director.OnAddActivation(new SessionPlacementStrategy(), new PlacementTarget(default, [], default, 0), new Context()));
        Assert.Equal([1, 2], load.Nodes.Select(n => n.Free));
    }

    private static PlacementTarget Opening() =>
        new(default, new Dictionary<string, object> { [SessionPlacementDirector.OpeningKey] = true }, default, 0);

    private static ClusterLoad LoadWith(int localFree, int otherFree)
    {
        var load = new ClusterLoad();
        load.Replace(new Dictionary<SiloAddress, NodeLoad>
        {
            [Local] = new("local", Local.ToParsableString(), "127.0.0.1:5090", 4 - localFree, 4, 0, DateTimeOffset.UnixEpoch),
            [Other] = new("other", Other.ToParsableString(), "127.0.0.1:5091", 4 - otherFree, 4, 0, DateTimeOffset.UnixEpoch),
        });
        return load;
    }

    private sealed class Context : IPlacementContext
    {
        public SiloAddress LocalSilo => Local;

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => [Local, Other];

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = [Local, Other] };
    }
}
