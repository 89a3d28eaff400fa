using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebAvatar.Cluster.Nodes;

/// <summary>
/// Keeps <see cref="ClusterLoad"/> current: reads every active node's load through its <see cref="INodeGrain"/> on a timer
/// (and on demand, before admission), and drops a node the moment membership declares it dead, raising <see cref="NodeLost"/>.
/// </summary>
public sealed partial class ClusterLoadRefresher(
    ClusterLoad load,
    IClusterMembershipService membership,
    IGrainFactory grains,
    IOptions<WebAvatarClusterOptions> options,
    ILogger<ClusterLoadRefresher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>A node left the cluster (declared dead, or shut down): its name and silo address. Raised on a background thread.</summary>
    public event Action<string, SiloAddress>? NodeLost;

    /// <summary>Reads every active node's load now (one read at a time; a node that does not answer in 2 s is left out).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
            var loads = await EveryNode.AskAsync(grains, active.Select(silo => (silo.ToParsableString(), silo.ToString())), grain => grain.GetLoadAsync(), logger, LogLevel.Debug, cancellationToken).ConfigureAwait(false);
            load.Replace(loads.ToDictionary(l => SiloAddress.FromParsableString(l.Silo), l => l.Answer));
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = WatchMembershipAsync(stoppingToken);
        var period = TimeSpan.FromMilliseconds(options.Value.LoadRefreshMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(period, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRefreshFailed(logger, ex);
                await Task.Delay(period, stoppingToken).ConfigureAwait(false);
            }
        }

        await watching.ConfigureAwait(false);
    }

    private async Task WatchMembershipAsync(CancellationToken stoppingToken)
    {
        var lost = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                foreach (var member in snapshot.Members.Values.Where(m => m.Status.IsTerminating() && lost.Add(m.SiloAddress)))
                {
                    LogNodeLost(logger, member.Name, member.SiloAddress.ToString(), member.Status);
                    load.Remove(member.SiloAddress);
                    NodeLost?.Invoke(member.Name, member.SiloAddress);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the cluster's load failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} ({Silo}) left the cluster ({Status}); its sessions have ended")]
    private static partial void LogNodeLost(ILogger logger, string node, string silo, SiloStatus status);
}
