using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebAvatar.Pipeline.Live;
using WebAvatar.Pipeline.Llm;
using WebAvatar.Pipeline.Telemetry;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Metrics;

/// <summary>
/// OpenTelemetry for the app (section "Telemetry"): the WebAvatar meter (reply, session and WebRTC figures), the LLM layer's
/// gen_ai metrics and .NET's runtime and ASP.NET Core meters, served in Prometheus format; reply traces exported over OTLP
/// when an endpoint is set. The metric names are listed in the README ("Telemetry").
/// </summary>
public static class TelemetryExtensions
{
    public static WebApplicationBuilder AddWebAvatarTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.AddSingleton<WebRtcTelemetry>();
        services.AddHostedService<TelemetryStartup>();

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("WebAvatar"))
            .WithMetrics(metrics => metrics
                .AddMeter(WebAvatarTelemetry.Name, ChatClientFactory.TelemetrySource, "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());

        // Decided from the raw settings because the provider is built before options exist; the endpoint itself is read
        // from the validated options, so a bad URL stops the start with the setting's name.
        var settings = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (settings.ExportsTraces)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(WebAvatarTelemetry.Name, ChatClientFactory.TelemetrySource)
                .AddOtlpExporter());
            services.AddOptions<OtlpExporterOptions>().Configure<IOptions<TelemetryOptions>>((exporter, telemetry) =>
            {
                var endpoint = new Uri(telemetry.Value.OtlpEndpoint);
                bool http = telemetry.Value.OtlpProtocol == OtlpProtocol.HttpProtobuf;
                exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                // The exporter posts to a programmatic HTTP endpoint as it is: a collector's base URL needs the signal's path.
                exporter.Endpoint = http && endpoint.AbsolutePath == "/" ? new Uri(endpoint, "v1/traces") : endpoint;
            });
        }

        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, open or protected as <see cref="TelemetryOptions.PrometheusAccess"/> says.</summary>
    public static WebApplication MapWebAvatarTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.PrometheusEnabled)
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        _ = options.PrometheusAccess switch
        {
            ScrapeAccess.ApiKey => endpoint.RequireApiKey(),
            ScrapeAccess.Admin => endpoint.RequireAuthorization(AdminAuthorization.Policy),
            _ => endpoint.AllowAnonymous(),
        };
        return app;
    }

    /// <summary>Creates the observers of sessions and peers at start, so their instruments exist before the first scrape.</summary>
    private sealed class TelemetryStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetService<SessionTelemetry>();
            if (services.GetService<WebRtcPeerManager>() is not null)
            {
                services.GetRequiredService<WebRtcTelemetry>();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
