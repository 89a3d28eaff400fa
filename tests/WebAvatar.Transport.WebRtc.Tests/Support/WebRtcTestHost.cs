using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebAvatar.Testing;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Signalling;

namespace WebAvatar.Transport.WebRtc.Tests.Support;

/// <summary>A minimal Kestrel app on 127.0.0.1:0 with the WebRTC endpoints, one session "demo" and a test page.</summary>
internal sealed class WebRtcTestHost : IAsyncDisposable
{
    public const string SessionId = "demo";

    private const string Page = """
        <!doctype html><html><body>
        <video id="v" autoplay playsinline></video>
        <script src="/api/webrtc/webavatar-webrtc.js"></script>
        </body></html>
        """;

    private readonly WebApplication _app;

    private WebRtcTestHost(WebApplication app, TestEncodedMediaSource media, RecordingAudioSink microphone, CapturingLoggerProvider log)
    {
        Log = log;
        _app = app;
        Media = media;
        Microphone = microphone;
    }

    public TestEncodedMediaSource Media { get; }

    /// <summary>Warnings and errors the server logged.</summary>
    public CapturingLoggerProvider Log { get; }

    public RecordingAudioSink Microphone { get; }

    public string BaseUrl { get; private set; } = "";

    public WebRtcPeerManager Peers => _app.Services.GetRequiredService<WebRtcPeerManager>();

    public UdpMediaTransport Transport => _app.Services.GetRequiredService<UdpMediaTransport>();

    public static async Task<WebRtcTestHost> StartAsync()
    {
        var media = new TestEncodedMediaSource(SessionId);
        var microphone = new RecordingAudioSink();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var log = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Configuration["WebRtc:UdpPort"] = "0";
        builder.Configuration["WebRtc:BindAddress"] = "127.0.0.1";
        builder.Services.AddWebRtcTransport();
        builder.Services.AddSingleton<IWebRtcSessionProvider>(new SingleSessionProvider(new WebRtcSessionBinding(media, microphone)));
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(Page, "text/html"));
        app.MapWebRtcEndpoints();
        await app.StartAsync();
        var host = new WebRtcTestHost(app, media, microphone, log);
        host.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Media.Dispose();
    }

    private sealed class SingleSessionProvider(WebRtcSessionBinding binding) : IWebRtcSessionProvider
    {
        public ValueTask<WebRtcSessionBinding?> FindAsync(string sessionId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(sessionId == SessionId ? binding : null);
    }
}
