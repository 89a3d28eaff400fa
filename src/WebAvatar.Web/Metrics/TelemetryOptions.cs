using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Metrics;

/// <summary>Who may scrape the Prometheus endpoint.</summary>
public enum ScrapeAccess
{
    /// <summary>Anyone, like <c>/api/metrics</c>: the metrics carry no session ids, transcripts or user data.</summary>
    Anonymous,

    /// <summary>A valid API key ("Authorization: Bearer wa_..." or "X-Api-Key"), as /api/v1 requires; Prometheus sends it with <c>authorization.credentials</c>.</summary>
    ApiKey,

    /// <summary>A signed-in administrator (the dashboard cookie).</summary>
    Admin,
}

/// <summary>Which OTLP transport the trace exporter speaks.</summary>
public enum OtlpProtocol
{
    /// <summary>gRPC, usually port 4317.</summary>
    Grpc,

    /// <summary>HTTP/protobuf, usually port 4318; a base URL (path "/") gets /v1/traces appended.</summary>
    HttpProtobuf,
}

/// <summary>Section "Telemetry": the Prometheus endpoint and the optional OTLP trace exporter.</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    /// <summary>Serves the metrics in Prometheus text format at <see cref="PrometheusPath"/>.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    [Required]
    public string PrometheusPath { get; set; } = "/metrics";

    public ScrapeAccess PrometheusAccess { get; set; } = ScrapeAccess.Anonymous;

    /// <summary>Where reply traces go (an OpenTelemetry collector, Jaeger, Tempo...); empty exports no traces.</summary>
    public string OtlpEndpoint { get; set; } = string.Empty;

    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.Grpc;

    public bool ExportsTraces => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PrometheusPath.StartsWith('/') || PrometheusPath.Length < 2 || PrometheusPath.Contains('?', StringComparison.Ordinal))
        {
            yield return new ValidationResult($"Telemetry:PrometheusPath '{PrometheusPath}' must be a path such as /metrics.", [nameof(PrometheusPath)]);
        }

        if (ExportsTraces && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"Telemetry:OtlpEndpoint '{OtlpEndpoint}' must be an http(s) URL such as http://localhost:4317, or empty to export no traces.", [nameof(OtlpEndpoint)]);
        }
    }
}

/// <summary>The rules of <see cref="TelemetryOptions"/> (its own Validate included), checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>;
