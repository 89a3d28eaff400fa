using System.ComponentModel.DataAnnotations;

namespace WebAvatar.Web.Sessions;

public sealed class LiveSessionOptions
{
    public const string Section = "Sessions";

    /// <summary>
    /// Concurrent live sessions this machine serves; the next one is refused with a clear message. 0 (the default) =
    /// one per two CPU cores: `bench concurrency` measured one session holding 25 fps and a sub-500 ms first audio on
    /// 2 cores (with its browser on the same cores), and the pipeline's work grows with each session.
    /// </summary>
    [Range(0, 1000)]
    public int MaxSessions { get; set; }

    /// <summary><see cref="MaxSessions"/>, or the per-core default when it is 0.</summary>
    public int EffectiveMaxSessions => MaxSessions > 0 ? MaxSessions : Math.Max(1, Environment.ProcessorCount / 2);
}
