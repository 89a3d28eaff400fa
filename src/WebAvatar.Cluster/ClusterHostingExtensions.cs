using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using StackExchange.Redis;
using WebAvatar.Cluster.Nodes;
using WebAvatar.Cluster.Placement;
using WebAvatar.Cluster.Sessions;
using WebAvatar.Cluster.Signalling;
using WebAvatar.Transport.WebRtc;

namespace WebAvatar.Cluster;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// Hosts this node's Orleans silo (section "Cluster"): one node on its own by default, or a member of a Redis-backed
    /// cluster. Live sessions become grains placed on the node with free slots; <see cref="ClusterSessions"/> is the front door.
    /// </summary>
    public static IHostApplicationBuilder AddCluster(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebAvatarClusterOptions>().BindConfiguration(WebAvatarClusterOptions.SectionName).ValidateOnStart()
            .PostConfigure(o => o.SiloPort = o.SiloPort == 0 ? FreeTcpPort() : o.SiloPort);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebAvatarClusterOptions>, WebAvatarClusterOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebAvatarClusterOptions>, WebAvatarClusterRuleValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LocalNode>();
        services.AddSingleton<ClusterLoad>();
        services.AddSingleton<ClusterLoadRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterLoadRefresher>());
        services.AddSingleton<ClusterSessions>();
        services.AddSingleton<IClusterDirectory>(sp => sp.GetRequiredService<ClusterSessions>());
        services.AddSingleton<IRemoteWebRtcSessions, ClusterWebRtcSessions>();

        // The membership provider decides which services exist, so it is read while registering; every other setting
        // reaches Orleans through the validated options.
        var membership = builder.Configuration.GetValue(
            $"{WebAvatarClusterOptions.SectionName}:{nameof(WebAvatarClusterOptions.Membership)}", ClusterMembership.Localhost);
        builder.UseOrleans(silo =>
        {
            if (membership == ClusterMembership.Redis)
            {
                silo.UseRedisClustering(_ => { });
                silo.Services.AddOptions<RedisClusteringOptions>().Configure<IOptions<WebAvatarClusterOptions>>((redis, ours) =>
                    redis.ConfigurationOptions = ConfigurationOptions.Parse(ours.Value.RedisConnectionString ?? string.Empty));
            }
            else
            {
                // One node on its own: it is its own primary (the endpoint below), and nothing else is needed.
                silo.UseLocalhostClustering();
            }

            silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<WebAvatarClusterOptions>>((endpoint, ours) =>
            {
                endpoint.AdvertisedIPAddress = IPAddress.Parse(ours.Value.AdvertisedAddress);
                endpoint.SiloPort = ours.Value.SiloPort;
                endpoint.GatewayPort = 0; // no external Orleans clients: every front door is a node
                endpoint.SiloListeningEndpoint = new IPEndPoint(ours.Value.Membership == ClusterMembership.Redis ? IPAddress.Any : IPAddress.Loopback, ours.Value.SiloPort);
            });
            silo.Services.AddOptions<ClusterOptions>().Configure<IOptions<WebAvatarClusterOptions>>((cluster, ours) =>
            {
                cluster.ClusterId = ours.Value.ClusterId;
                cluster.ServiceId = "webavatar";
            });
            silo.Services.AddOptions<SiloOptions>().Configure<IOptions<WebAvatarClusterOptions>>((o, ours) => o.SiloName = ours.Value.EffectiveNodeName);

            // A node that stops answering is declared dead within NodeFailureSeconds: a probe every quarter of it, two missed
            // probes to suspect, one vote to decide (a two-node cluster has a single voter).
            silo.Services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<WebAvatarClusterOptions>>((o, ours) =>
            {
                var quarter = TimeSpan.FromSeconds(ours.Value.NodeFailureSeconds / 4.0);
                o.ProbeTimeout = quarter;
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = quarter;
            });
            silo.Services.AddOptions<SiloMessagingOptions>().Configure<IOptions<WebAvatarClusterOptions>>((o, ours) =>
                o.ResponseTimeout = TimeSpan.FromSeconds(ours.Value.NodeFailureSeconds));
            silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: IsPlainMessage));
            silo.Services.AddPlacementDirector<SessionPlacementStrategy, SessionPlacementDirector>();
            silo.Services.AddPlacementDirector<NodePinnedPlacementStrategy, NodePinnedPlacementDirector>();
        });
        return builder;
    }

    /// <summary>
    /// The project's own messages (session specs, commands, events, views) travel between nodes as JSON, the same shape as
    /// the public API; grain and observer references, placement strategies and exceptions keep Orleans' own codecs.
    /// </summary>
    private static bool IsPlainMessage(Type type) =>
        type.Namespace?.StartsWith("WebAvatar", StringComparison.Ordinal) == true
        && !type.IsInterface
        && !typeof(Exception).IsAssignableFrom(type)
        && !typeof(IAddressable).IsAssignableFrom(type)
        && !typeof(PlacementStrategy).IsAssignableFrom(type);

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
