using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Peers;

namespace WebAvatar.Transport.WebRtc;

public static class WebRtcServiceCollectionExtensions
{
    /// <summary>
    /// Registers the WebRTC transport: options from section "WebRtc" (validated at start), the shared UDP socket,
    /// the process DTLS certificate and <see cref="WebRtcPeerManager"/>. The app must also register an
    /// <see cref="IWebRtcSessionProvider"/> and call <c>app.MapWebRtcEndpoints()</c>.
    /// </summary>
    public static IServiceCollection AddWebRtcTransport(this IServiceCollection services)
    {
        // Hand-written: no attribute parses an IP address.
        services.AddOptions<WebRtcOptions>()
            .BindConfiguration(WebRtcOptions.SectionName)
            .Validate(o => System.Net.IPAddress.TryParse(o.BindAddress, out _), "WebRtc:BindAddress must be an IP address such as 0.0.0.0.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebRtcOptions>, WebRtcOptionsValidator>());
        services.TryAddSingleton(_ => DtlsCertificate.Generate());
        services.TryAddSingleton<UdpMediaTransport>();
        services.TryAddSingleton<WebRtcPeerManager>();
        return services;
    }
}
