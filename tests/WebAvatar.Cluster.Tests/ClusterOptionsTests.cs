namespace WebAvatar.Cluster.Tests;

public sealed class ClusterOptionsTests
{
    [Fact]
    public void One_node_on_its_own_needs_no_setting()
    {
        Assert.Null(new WebAvatarClusterOptions().Problem());
    }

    [Theory]
    [InlineData(null, 11111, "127.0.0.1", "Cluster:RedisConnectionString is empty")]
    [InlineData("localhost:6379", 0, "127.0.0.1", "set Cluster:SiloPort to a fixed port")]
    [InlineData("localhost:6379", 11111, "node-a.internal", "Cluster:AdvertisedAddress must be an IP address")]
    public void A_redis_cluster_names_the_setting_it_misses(string? redis, int siloPort, string advertised, string expected)
    {
        var options = new WebAvatarClusterOptions
        {
            Membership = ClusterMembership.Redis,
            RedisConnectionString = redis,
            SiloPort = siloPort,
            AdvertisedAddress = advertised,
        };
        Assert.Contains(expected, options.Problem(), StringComparison.Ordinal);
    }
}
