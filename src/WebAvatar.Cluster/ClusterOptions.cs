using System.ComponentModel.DataAnnotations;
using System.Net;

namespace WebAvatar.Cluster;

/// <summary>How this node finds the others.</summary>
public enum ClusterMembership
{
    /// <summary>One node on its own (the embedded default): Orleans' development clustering, nothing to install.</summary>
    Localhost,

    /// <summary>Several nodes that find each other through Redis (Orleans' Redis membership table).</summary>
    Redis,
}

/// <summary>
/// Section "Cluster": this node's place in the Orleans cluster that owns the live sessions. Each node runs its sessions'
/// media; any node answers the chat page, the session API and WHEP signalling for every session.
/// </summary>
public sealed class WebAvatarClusterOptions
{
    public const string SectionName = "Cluster";

    public ClusterMembership Membership { get; set; } = ClusterMembership.Localhost;

    /// <summary>StackExchange.Redis connection string (Membership = Redis), e.g. "redis.internal:6379".</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Nodes with the same id form one cluster (one Redis can hold several).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Cluster:ClusterId may hold letters, digits, '_', '.' and '-' (1 to 64).")]
    public string ClusterId { get; set; } = "webavatar";

    /// <summary>This node's name in the admin view and in messages (default: the machine name).</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Cluster:NodeName may hold letters, digits, '_', '.' and '-' (1 to 64).")]
    public string? NodeName { get; set; }

    /// <summary>The address the other nodes reach this one at (Membership = Redis). Default: 127.0.0.1 (one machine).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port for node-to-node traffic; 0 takes a free one (fine for Localhost, not for Redis).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; }

    /// <summary>
    /// How long a node that stopped answering may stay in the cluster before it is declared dead and its sessions end
    /// (their pages and API clients are told). Orleans probes every node; this sets the probe timeout and missed-probe
    /// limit so that the verdict falls within it.
    /// </summary>
    [Range(4, 120)]
    public int NodeFailureSeconds { get; set; } = 10;

    /// <summary>How often each node reads every node's free slots (the placement and the admin view use them).</summary>
    [Range(200, 10_000)]
    public int LoadRefreshMilliseconds { get; set; } = 1000;

    public string EffectiveNodeName => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName;

    /// <summary>Null when the settings can work together; otherwise what is wrong, naming the setting.</summary>
    public string? Problem()
    {
        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            return $"Cluster:AdvertisedAddress must be an IP address the other nodes can reach; '{AdvertisedAddress}' is not.";
        }

        if (Membership == ClusterMembership.Redis)
        {
            if (string.IsNullOrWhiteSpace(RedisConnectionString))
            {
                return "Cluster:Membership is Redis but Cluster:RedisConnectionString is empty (e.g. \"localhost:6379\").";
            }

            if (SiloPort == 0)
            {
                return "Cluster:Membership is Redis: set Cluster:SiloPort to a fixed port the other nodes can reach (e.g. 11111).";
            }
        }

        return null;
    }
}

/// <summary>The attribute rules of <see cref="WebAvatarClusterOptions"/>, checked at start (generated).</summary>
[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class WebAvatarClusterOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WebAvatarClusterOptions>;

/// <summary>Rules across settings the attributes cannot say (Redis needs its connection string and a fixed port...).</summary>
internal sealed class WebAvatarClusterRuleValidator : Microsoft.Extensions.Options.IValidateOptions<WebAvatarClusterOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, WebAvatarClusterOptions options) =>
        options.Problem() is { } problem
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
