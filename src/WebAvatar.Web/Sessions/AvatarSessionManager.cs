using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Rtmp;
using WebAvatar.Media.Session;
using WebAvatar.Pipeline.Session;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// Owns every live session of the server: creates them (with admission control), finds them for the
/// transports, and disposes them. Media never passes through here; only references.
/// </summary>
public sealed partial class AvatarSessionManager(
    ConversationSessionFactory factory,
    SessionMediaEncoderFactory encoders,
    StreamingTranscriberFactory transcribers,
    RtmpMirrorManager mirrors,
    IConfiguration configuration,
    IOptions<LiveSessionOptions> options,
    ILogger<AvatarSessionManager> logger,
    Admin.Avatars.IDefaultAvatarProvider? defaults = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConversationSession> _sessions = new();
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly ConcurrentDictionary<string, VoiceInputLoop> _voice = new();

    public IReadOnlyCollection<ConversationSession> Sessions => _sessions.Values.ToArray();

    public event Action? SessionsChanged;

    public async Task<ConversationSession> CreateAsync(CancellationToken cancellationToken)
    {
        await _admission.WaitAsync(cancellationToken);
        try
        {
            int limit = options.Value.EffectiveMaxSessions;
            if (_sessions.Count >= limit)
            {
                LogRefused(logger, limit);
                throw new SessionLimitException(limit);
            }

            // The admin's default avatar (with its voice and persona) wins over appsettings.json.
            var chosen = defaults is null ? null : await defaults.GetDefaultAsync(cancellationToken);
            var voice = chosen?.Voice ?? new TextToSpeechOptions { VoiceId = configuration["Tts:Voice"] ?? "en-us" };
            var avatar = chosen?.Path ?? AppPaths.Resolve(configuration["Avatar:Path"] ?? "wwwroot-assets/avatars/default/avatar.png");
            var lipSync = chosen?.LipSyncEngine ?? configuration["Avatar:LipSync"] ?? "auto";
            if (chosen is not null && string.IsNullOrWhiteSpace(voice.Language) && !string.IsNullOrWhiteSpace(chosen.Persona.Language))
            {
                voice.Language = chosen.Persona.Language;
            }

            var session = await factory.CreateAsync(avatar, lipSync, voice, cancellationToken, chosen?.Persona.SystemPrompt, chosen?.Persona.LlmEndpoint, chosen?.Persona.LlmModel);
            session.Greeting = string.IsNullOrWhiteSpace(chosen?.Persona.Greeting) ? null : chosen.Persona.Greeting;
            // Encode once per session; every WebRTC peer and RTMP mirror subscribes to this encoder.
            session.Output = encoders.Create(session.Id);
            _sessions[session.Id] = session;
            session.Start();
            var listening = new VoiceInputLoop(session, transcribers.Create(), logger);
            _voice[session.Id] = listening;
            listening.Start();
            LogCreated(logger, session.Id, session.RendererName, session.Llm.Provider);
            SessionsChanged?.Invoke();
            return session;
        }
        finally
        {
            _admission.Release();
        }
    }

    public ConversationSession? Find(string id) => _sessions.TryGetValue(id, out var session) ? session : null;

    /// <summary>The session's encoded output (for transports), or null when the session is unknown.</summary>
    public SessionMediaEncoder? FindMedia(string id) => _sessions.ContainsKey(id) && encoders.TryGet(id, out var encoder) ? encoder : null;

    public async Task CloseAsync(string id)
    {
        if (_sessions.TryRemove(id, out var session))
        {
            await mirrors.StopAsync(id, null, CancellationToken.None);
            if (_voice.TryRemove(id, out var listening))
            {
                await listening.DisposeAsync();
            }

            await session.DisposeAsync();
            // Disposing the encoder completes every subscription, which closes the session's WebRTC peers.
            if (encoders.TryGet(id, out var encoder))
            {
                encoder.Dispose();
            }

            LogClosed(logger, id);
            SessionsChanged?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            await CloseAsync(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} started (lip-sync {Renderer}, LLM {Llm})")]
    private static partial void LogCreated(ILogger logger, string sessionId, string renderer, string llm);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} closed")]
    private static partial void LogClosed(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session refused: limit of {Limit} reached")]
    private static partial void LogRefused(ILogger logger, int limit);
}
