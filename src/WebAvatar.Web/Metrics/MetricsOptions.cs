namespace WebAvatar.Web.Metrics;

public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Lets <c>POST /api/metrics/gc</c> force a full GC (benchmark leak checks); off in production.</summary>
    public bool AllowForcedGc { get; set; }
}
