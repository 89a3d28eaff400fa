using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Pipeline.Live;

/// <summary>Admission and lifetime of live sessions (section "Sessions").</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>
    /// Concurrent live sessions this machine serves; the next one is refused with a clear message. 0 (the default) =
    /// one per two CPU cores: `bench concurrency` measured one session holding 25 fps and a sub-500 ms first audio on
    /// 2 cores (with its browser on the same cores), and the pipeline's work grows with each session.
    /// </summary>
    [Range(0, 1000)]
    public int MaxSessions { get; set; }

    /// <summary>How long a session outlives its last holder (page, API client, viewer) before it ends; a reload within it resumes.</summary>
    [Range(1, 3600)]
    public int GraceSeconds { get; set; } = 10;

    /// <summary>An API client's hold on a session it created lasts this long after its last keep-alive (or event-stream connection).</summary>
    [Range(5, 86_400)]
    public int ApiLeaseSeconds { get; set; } = 60;

    /// <summary>
    /// A WebRTC viewer holds its session while it was heard from within this time (Chrome sends RTCP about every second and ICE
    /// consent checks every ~5 s); once quiet longer, it counts as gone since it was last heard, and the grace runs from then.
    /// </summary>
    [Range(1, 60)]
    public int ViewerFreshSeconds { get; set; } = 3;

    /// <summary>Operator lines queued behind a running reply (speak with interrupt-current off) before more are refused.</summary>
    [Range(1, 1000)]
    public int MaxQueuedLines { get; set; } = 32;

    /// <summary><see cref="MaxSessions"/>, or the per-core default when it is 0.</summary>
    public int EffectiveMaxSessions => MaxSessions > 0 ? MaxSessions : Math.Max(1, Environment.ProcessorCount / 2);
}

/// <summary>The attribute rules of <see cref="SessionOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class SessionOptionsValidator : IValidateOptions<SessionOptions>;
