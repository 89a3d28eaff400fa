using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using WebAvatar.Cluster;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline;
using WebAvatar.Pipeline.Live;
using WebAvatar.Speech;
using WebAvatar.Transport.WebRtc;
using WebAvatar.Web.Api.Widget;
using WebAvatar.Transport.WebRtc.Signalling;
using WebAvatar.Web.Admin;
using WebAvatar.Web.Api;
using WebAvatar.Web.Components;
using WebAvatar.Web.Health;
using WebAvatar.Web.Metrics;
using WebAvatar.Web.Sessions;

namespace WebAvatar.Web;

public static class WebAvatarWebExtensions
{
    /// <summary>Everything the web app serves: UI, engines, sessions.</summary>
    public static WebApplicationBuilder AddWebAvatar(this WebApplicationBuilder builder)
    {
        // The repo-level appsettings.json is linked into the output and added after the host's defaults; environment and
        // command line come after it again so they keep overriding it (Llm__Provider=..., --urls ...).
        builder.Configuration.AddWebAvatarSettings(Environment.GetCommandLineArgs().Skip(1).ToArray());
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // Enums travel as their names in every JSON answer (dashboards and scripts read "Listening", not 0); /api/v1 uses
        // the session messages' own shape (SessionJson).
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddPipeline().AddSpeechSynthesis().AddSpeechRecognition().AddWav2Lip().AddLipSync().AddMedia().AddWebRtcTransport();
        services.AddLiveSessions();
        services.AddSingleton<ISessionProfileResolver, SessionProfileResolver>();
        services.AddSingleton<IWebRtcSessionProvider, SessionWebRtcProvider>();
        services.AddSingleton<Cluster.Sessions.ISessionStills, SessionStills>();
        services.AddScoped<ChatSessionClient>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<ChatSessionClient>());
        services.AddOptions<WebAvatarOptions>().BindConfiguration(WebAvatarOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebAvatarOptions>, WebAvatarOptionsValidator>());
        services.AddSingleton<EngineCatalog>();
        services.AddHostedService<SpeechRecognizerWarmUp>();
        services.AddServerMetrics();
        builder.AddWebAvatarTelemetry();
        builder.AddAdmin();
        builder.AddSessionApi();
        builder.AddCluster();
        return builder;
    }

    public static WebApplication UseWebAvatar(this WebApplication app)
    {
        app.UseSessionApi();
        app.UseAdmin();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapWebRtcEndpoints();
        app.MapAdmin();
        app.MapSessionApi();
        app.MapSessionStill();
        app.MapObsSource();
        app.MapWidgetEmbed();
        app.MapGet("/api/health", (EngineCatalog catalog, CancellationToken ct) => catalog.GetReportAsync(ct));
        app.MapServerMetrics();
        app.MapWebAvatarTelemetry();
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
