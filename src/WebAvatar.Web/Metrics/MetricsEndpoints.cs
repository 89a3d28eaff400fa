using System.Diagnostics;
using Microsoft.Extensions.Options;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Web.Admin.Live;
using WebAvatar.Pipeline.Live;

namespace WebAvatar.Web.Metrics;

/// <summary>
/// <c>GET /api/metrics</c>: anonymous, read-only process and session figures (no transcripts, user data or session ids), read by
/// the benchmarks instead of scraping logs. <c>POST /api/metrics/gc</c> forces a full GC first, only when
/// <c>Metrics:AllowForcedGc</c> is on (benchmark leak checks), since anyone could call it.
/// </summary>
public static class MetricsEndpoints
{
    public static IServiceCollection AddServerMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapServerMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics", (LiveSessionMonitor monitor, IServiceProvider services) => Results.Ok(Collect(monitor, services.GetService<WebRtcPeerManager>())))
            .AllowAnonymous();
        app.MapPost("/api/metrics/gc", (LiveSessionMonitor monitor, IServiceProvider services, IOptions<MetricsOptions> options) =>
        {
            if (!options.Value.AllowForcedGc)
            {
                return Results.Problem("Forced GC is off: set Metrics:AllowForcedGc=true (benchmarks only).", statusCode: StatusCodes.Status403Forbidden);
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Ok(Collect(monitor, services.GetService<WebRtcPeerManager>()));
        }).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static string WithoutSessionId(string replyId, string sessionId) =>
        replyId.StartsWith(sessionId + "-", StringComparison.Ordinal) ? replyId[(sessionId.Length + 1)..] : replyId;

    public static ServerMetrics Collect(LiveSessionMonitor monitor, WebRtcPeerManager? peers)
    {
        using var process = Process.GetCurrentProcess();
        var sessions = monitor.Snapshot()
            .Select(s => new SessionMetrics(
                SessionKeys.Publish(s.Id),
                s.State.ToString(),
                s.FramesPerSecond,
                s.Viewers,
                s.RecentReplies.Select(r => new ReplyMetrics(WithoutSessionId(r.ReplyId, s.Id), r.StartedAt.ToUnixTimeMilliseconds(), r.Milliseconds.ToDictionary(kv => kv.Key.ToString(), kv => Math.Round(kv.Value, 1)))).ToList(),
                s.Preemption))
            .ToList();
        return new ServerMetrics(
            Math.Round((DateTime.Now - process.StartTime).TotalSeconds, 1),
            Math.Round(process.TotalProcessorTime.TotalSeconds, 3),
            process.WorkingSet64,
            process.PrivateMemorySize64,
            GC.GetGCMemoryInfo().HeapSizeBytes,
            GC.GetTotalAllocatedBytes(),
            [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)],
            process.Threads.Count,
            OpenHandles(),
            sessions.Count,
            peers?.Count ?? 0,
            sessions);
    }

    private static int OpenHandles()
    {
        try
        {
            return Directory.Exists("/proc/self/fd") ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : -1;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
