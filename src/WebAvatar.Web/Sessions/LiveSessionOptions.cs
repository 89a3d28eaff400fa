using System.ComponentModel.DataAnnotations;

namespace WebAvatar.Web.Sessions;

public sealed class LiveSessionOptions
{
    public const string Section = "Sessions";

    /// <summary>Concurrent live sessions this machine serves; the next one is refused with a clear message.</summary>
    [Range(1, 1000)]
    public int MaxSessions { get; set; } = 4;
}
