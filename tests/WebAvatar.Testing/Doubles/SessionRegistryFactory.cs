using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline;
using WebAvatar.Pipeline.Live;
using WebAvatar.Speech;

namespace WebAvatar.Testing.Doubles;

/// <summary>
/// The production <see cref="SessionRegistry"/> (with the real encoder, mirrors, transcriber and leases) on test boundaries:
/// echo LLM, tone TTS, flat renderer, fixed profile, energy VAD. Disposing the registry ends its sessions.
/// </summary>
public static class SessionRegistryFactory
{
    public static SessionRegistry Create(IDictionary<string, string?>? settings = null, ISessionProfileResolver? profiles = null, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Llm:Provider"] = "None",
                ["Vad:ModelPath"] = "/nonexistent/silero.onnx",
                ["Whisper:ModelsRoot"] = "/nonexistent/models",
                ["Media:VideoBitrateKbps"] = "300",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton<ITextToSpeechClient, ToneTextToSpeechClient>()
            .AddSingleton<IAvatarRendererFactory, FlatRendererFactory>()
            .AddSingleton<ISessionProfileResolver>(profiles ?? new FixedProfileResolver());
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddPipeline().AddMedia().AddSpeechRecognition().AddLiveSessions();
        // The registry outlives this provider's scope on purpose: tests dispose the registry, which ends its sessions.
        return services.BuildServiceProvider().GetRequiredService<SessionRegistry>();
    }
}
