using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebAvatar.Cluster;
using WebAvatar.Cluster.Sessions;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline;
using WebAvatar.Pipeline.Live;
using WebAvatar.Speech;
using WebAvatar.Testing.Doubles;
using WebAvatar.Transport.WebRtc;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Web.Sessions;

namespace WebAvatar.Web.Tests.Cluster;

/// <summary>
/// A one-node cluster in this process, as the app hosts it: a real Orleans silo (localhost membership), the session and
/// node grains, and <see cref="ClusterSessions"/> over the production <see cref="SessionRegistry"/> on test boundaries (echo
/// LLM, tone TTS, flat renderer, the fixed profile of <see cref="SessionRegistryFactory"/>). For components whose service
/// talks to the cluster; disposing it stops the silo and ends every session.
/// </summary>
internal sealed class OneNodeCluster : IAsyncDisposable
{
    private readonly IHost _host;

    private OneNodeCluster(IHost host) => _host = host;

    public SessionRegistry Registry => _host.Services.GetRequiredService<SessionRegistry>();

    public ClusterSessions Sessions => _host.Services.GetRequiredService<ClusterSessions>();

    public static async Task<OneNodeCluster> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "None",
            ["Vad:ModelPath"] = "/nonexistent/silero.onnx",
            ["Whisper:ModelsRoot"] = "/nonexistent/models",
            ["Media:VideoBitrateKbps"] = "300",
            ["WebRtc:BindAddress"] = "127.0.0.1",
            ["WebRtc:UdpPort"] = TestServers.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:NodeName"] = "node-a",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddLogging()
            .AddSingleton<ITextToSpeechClient, ToneTextToSpeechClient>()
            .AddSingleton<IAvatarRendererFactory, FlatRendererFactory>()
            .AddSingleton<ISessionProfileResolver>(new FixedProfileResolver())
            .AddSingleton<IWebRtcSessionProvider, SessionWebRtcProvider>()
            .AddSingleton<ISessionStills, SessionStills>();
        builder.Services.AddPipeline().AddMedia().AddSpeechRecognition().AddLiveSessions().AddWebRtcTransport();
        builder.AddCluster();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return new OneNodeCluster(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}
