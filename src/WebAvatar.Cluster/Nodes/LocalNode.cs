using System.Diagnostics;
using Microsoft.Extensions.Options;
using WebAvatar.Pipeline.Live;
using WebAvatar.Transport.WebRtc.Net;

namespace WebAvatar.Cluster.Nodes;

/// <summary>This node as the cluster sees it: its name, media address, session slots and CPU (read on demand). Thread-safe.</summary>
public sealed class LocalNode(
    SessionRegistry sessions,
    ILocalSiloDetails silo,
    IOptions<WebAvatarClusterOptions> cluster,
    UdpMediaTransport media,
    TimeProvider time)
{
    private readonly Lock _cpuGate = new();
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private long _lastCpuAt = Stopwatch.GetTimestamp();
    private double _cpuPercent;

    public string Name => cluster.Value.EffectiveNodeName;

    public SiloAddress Silo => silo.SiloAddress;

    public string SiloKey => silo.SiloAddress.ToParsableString();

    /// <summary>Where browsers send this node's media: the host candidate its SDP answers carry (address and bound port).</summary>
    public string Media => media.CandidateEndPoint.ToString();

    public NodeLoad Read() => new(Name, SiloKey, Media, sessions.Count, sessions.Capacity, Math.Round(ReadCpuPercent(), 1), time.GetUtcNow());

    public IReadOnlyList<NodeSession> ListSessions() => sessions.Sessions
        .Where(s => !s.IsClosed)
        .Select(s => s.Snapshot())
        .Select(s => new NodeSession(s.Id, Name, s.Kind.ToString(), s.State.ToString(), s.AvatarName, s.FramesPerSecond, s.Viewers, s.CreatedAt))
        .ToList();

    // CPU since the previous read (a read at least half a second after the last one starts a new window).
    private double ReadCpuPercent()
    {
        lock (_cpuGate)
        {
            long now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(_lastCpuAt, now);
            if (elapsed >= TimeSpan.FromMilliseconds(500))
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                _cpuPercent = (cpu - _lastCpu).TotalMilliseconds / elapsed.TotalMilliseconds * 100;
                _lastCpu = cpu;
                _lastCpuAt = now;
            }

            return _cpuPercent;
        }
    }
}
