using System.Text.Json;

namespace WebAvatar.Benchmarks.Live;

/// <summary>Every reply of one session seen in /api/metrics (the endpoint keeps only the last few, so poll often).</summary>
internal sealed class ServerReplies
{
    private readonly Dictionary<string, ServerReply> _replies = [];

    public IReadOnlyCollection<ServerReply> All => _replies.Values;

    /// <summary>The session's latest preemption counts (voiceTurns, prepared, kept, dropped), if reported.</summary>
    public (long VoiceTurns, long Prepared, long Kept, long Dropped)? Preemption { get; private set; }

    public void Update(JsonElement metrics, string sessionId)
    {
        var key = SessionKeys.Publish(sessionId);
        foreach (var session in metrics.GetProperty("sessions").EnumerateArray())
        {
            if (session.GetProperty("key").GetString() != key)
            {
                continue;
            }

            if (session.TryGetProperty("preemption", out var p))
            {
                Preemption = (p.GetProperty("voiceTurns").GetInt64(), p.GetProperty("prepared").GetInt64(), p.GetProperty("kept").GetInt64(), p.GetProperty("dropped").GetInt64());
            }

            foreach (var reply in session.GetProperty("replies").EnumerateArray())
            {
                var stages = reply.GetProperty("stageMs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
                var id = reply.GetProperty("replyId").GetString()!;
                _replies[id] = new ServerReply(id, reply.GetProperty("startedUnixMs").GetDouble(), stages);
            }
        }
    }

    /// <summary>The voice reply (one with an ASR stage) that started within <paramref name="windowMs"/> after <paramref name="unixMs"/>.</summary>
    public ServerReply? VoiceReplyAfter(double unixMs, double windowMs) =>
        _replies.Values
            .Where(r => r.Stages.ContainsKey("AsrFinal") && r.StartedUnixMs > unixMs - 100 && r.StartedUnixMs < unixMs + windowMs)
            .MinBy(r => r.StartedUnixMs);
}

/// <param name="StartedUnixMs">Server wall clock at the reply's start (VAD end for voice).</param>
/// <param name="Stages">Stage name -> ms after the start.</param>
internal sealed record ServerReply(string Id, double StartedUnixMs, IReadOnlyDictionary<string, double> Stages)
{
    public double Stage(string name) => Stages.TryGetValue(name, out var ms) ? ms : double.NaN;
}
