namespace WebAvatar.Web.Metrics;

/// <summary>The JSON of <c>GET /api/metrics</c>: process resources and per-session figures, for benchmarks and monitoring.</summary>
/// <param name="UptimeSeconds">Seconds since the process started.</param>
/// <param name="CpuSeconds">User + kernel CPU time the process has used so far (a rate of it over wall time is CPU%).</param>
/// <param name="WorkingSetBytes">Resident memory.</param>
/// <param name="PrivateBytes">Private memory as the runtime reports it (VmData on Linux).</param>
/// <param name="GcHeapBytes">Managed heap size after the last GC.</param>
/// <param name="GcTotalAllocatedBytes">Bytes ever allocated on the managed heap.</param>
/// <param name="GcCollections">Gen0/gen1/gen2 collection counts.</param>
/// <param name="Threads">OS threads of the process.</param>
/// <param name="OpenHandles">Open file descriptors (/proc/self/fd), -1 where that is unavailable.</param>
/// <param name="ActiveSessions">Live avatar sessions.</param>
/// <param name="WebRtcPeers">Connected WebRTC peers over all sessions.</param>
/// <param name="Sessions">Each live session with its fps and the stage timings of its last replies.</param>
public sealed record ServerMetrics(
    double UptimeSeconds,
    double CpuSeconds,
    long WorkingSetBytes,
    long PrivateBytes,
    long GcHeapBytes,
    long GcTotalAllocatedBytes,
    int[] GcCollections,
    int Threads,
    int OpenHandles,
    int ActiveSessions,
    int WebRtcPeers,
    IReadOnlyList<SessionMetrics> Sessions);

/// <param name="Key">
/// A one-way key of the session id (<see cref="SessionKeys.Publish"/>): the endpoint is anonymous and a session id is enough to
/// join that session over WHEP, so ids are never published; a client that knows its own id can find its session.
/// </param>
/// <param name="State">Conversation state (Idle, Listening, Thinking, Speaking...).</param>
/// <param name="FramesPerSecond">Frames the session emitted over the last second.</param>
/// <param name="Peers">WebRTC peers watching it.</param>
/// <param name="Replies">
/// Last replies, oldest first: stage name -> ms since the end of user speech (or the text submit). A preemptive reply's
/// stages done before the end of the turn was confirmed are negative.
/// </param>
/// <param name="Preemption">Voice turns, and replies prepared on a speculative transcript: kept, dropped, keep rate.</param>
public sealed record SessionMetrics(
    string Key,
    string State,
    double FramesPerSecond,
    int Peers,
    IReadOnlyList<ReplyMetrics> Replies,
    Pipeline.Voice.PreemptionCounts Preemption);

/// <param name="ReplyId">The reply's number within its session ("r3"; the session id part is left out).</param>
/// <param name="StartedUnixMs">Wall-clock start of the reply (Unix ms): lets a client on the same machine line up its own clock.</param>
/// <param name="StageMs">Stage name -> ms since the reply's start.</param>
public sealed record ReplyMetrics(string ReplyId, double StartedUnixMs, IReadOnlyDictionary<string, double> StageMs);
