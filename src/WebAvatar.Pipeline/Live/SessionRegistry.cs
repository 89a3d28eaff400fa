using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Session;
using WebAvatar.Pipeline.Session;
using WebAvatar.Pipeline.Voice;
using WebAvatar.Sessions;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Pipeline.Live;

/// <summary>
/// The one registry of this server's live sessions: creates them (admission control), finds them, and ends them, either
/// on request or a grace time after their last holder lapsed (checked twice a second). Thread-safe.
/// </summary>
public sealed partial class SessionRegistry : IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConversationSessionFactory _conversations;
    private readonly SessionMediaEncoderFactory _media;
    private readonly StreamingTranscriberFactory _transcribers;
    private readonly ISessionProfileResolver _profiles;
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionRegistry> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<string, LiveSession> _sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly ITimer _sweep;
    private int _sweeping;

    public SessionRegistry(
        ConversationSessionFactory conversations,
        SessionMediaEncoderFactory media,
        StreamingTranscriberFactory transcribers,
        ISessionProfileResolver profiles,
        IOptions<SessionOptions> options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _conversations = conversations;
        _media = media;
        _transcribers = transcribers;
        _profiles = profiles;
        _options = options.Value;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SessionRegistry>();
        _sweep = time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int Count => _sessions.Count;

    public int Capacity => _options.EffectiveMaxSessions;

    public TimeSpan Grace => TimeSpan.FromSeconds(_options.GraceSeconds);

    public IReadOnlyCollection<LiveSession> Sessions => _sessions.Values.ToArray();

    /// <summary>A session was created or ended (raised on the thread that did it).</summary>
    public event Action? SessionsChanged;

    /// <summary>Every event of every session (for history and dashboards); raised on the session's threads. Handlers must not block.</summary>
    public event Action<SessionEvent>? EventPublished;

    /// <summary>
    /// Creates and starts a session. Throws <see cref="SessionLimitException"/> when every slot is taken and
    /// <see cref="SessionRequestException"/> for a request naming something unusable. The new session counts as held for
    /// the grace time, in which the caller takes its lease (a broadcast holds itself until deleted; an API session holds
    /// itself for <see cref="SessionOptions.ApiLeaseSeconds"/> after each keep-alive).
    /// </summary>
    /// <param name="id">The session's id when the caller chose it (a cluster front door, before placement); null draws one.</param>
    public async Task<LiveSession> CreateAsync(SessionSpec spec, CancellationToken cancellationToken, string? id = null)
    {
        if (id is not null && (!SessionKeys.IsWellFormed(id) || _sessions.ContainsKey(id)))
        {
            throw new ArgumentException($"'{id}' is not a usable new session id.", nameof(id));
        }

        foreach (var target in spec.StreamTargets ?? [])
        {
            Media.Rtmp.RtmpTarget.Parse(target.Url); // refuse a malformed target before any work
        }

        await _admission.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int limit = Capacity;
            if (_sessions.Count >= limit)
            {
                LogRefused(_logger, limit);
                throw new SessionLimitException(limit);
            }

            var profile = await _profiles.ResolveAsync(spec, cancellationToken).ConfigureAwait(false);
            var session = await AssembleAsync(spec, profile, id, cancellationToken).ConfigureAwait(false);
            switch (spec.Kind)
            {
                case SessionKind.Broadcast:
                    session.Leases.Hold(LeaseKind.Broadcast, spec.Owner ?? "broadcast");
                    break;
                case SessionKind.Api:
                    session.Leases.HoldFor(LeaseKind.Api, spec.Owner ?? "api", TimeSpan.FromSeconds(_options.ApiLeaseSeconds));
                    break;
            }

            session.EventRaised += e => EventPublished?.Invoke(e);
            _sessions[session.Id] = session;
            session.Start();
            foreach (var target in spec.StreamTargets ?? [])
            {
                session.StartMirror(target.Url, target.Label);
            }

            LogCreated(_logger, session.Id, spec.Kind, session.Conversation.RendererName, session.Conversation.Llm.Provider);
            SessionsChanged?.Invoke();
            return session;
        }
        finally
        {
            _admission.Release();
        }
    }

    /// <summary>Builds a session's parts; when one fails, those already made are released.</summary>
    private async Task<LiveSession> AssembleAsync(SessionSpec spec, SessionProfile profile, string? id, CancellationToken cancellationToken)
    {
        var conversation = await _conversations.CreateAsync(profile, spec.Mode, cancellationToken, id).ConfigureAwait(false);
        SessionMediaEncoder? media = null;
        try
        {
            media = _media.Create(conversation.Id);
            return new LiveSession(
                spec,
                profile,
                conversation,
                new VoiceInput(conversation, _transcribers.Create(), _loggers.CreateLogger<VoiceInput>()),
                media,
                _media.CreateMirrors(media),
                new SessionLeases(_time, TimeSpan.FromSeconds(_options.ViewerFreshSeconds)),
                _options,
                _loggers.CreateLogger<LiveSession>());
        }
        catch
        {
            media?.Dispose();
            await conversation.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public LiveSession? Find(string id) => _sessions.TryGetValue(id, out var session) ? session : null;

    /// <summary>Ends a session (parts disposed in order, see <see cref="LiveSession"/>). False when it does not exist.</summary>
    public async Task<bool> CloseAsync(string id, string reason)
    {
        if (!_sessions.TryRemove(id, out var session))
        {
            return false;
        }

        await session.CloseAsync(reason).ConfigureAwait(false);
        SessionsChanged?.Invoke();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _sweep.DisposeAsync().ConfigureAwait(false);
        foreach (var id in _sessions.Keys)
        {
            await CloseAsync(id, "server stopping").ConfigureAwait(false);
        }
    }

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow();
            foreach (var session in _sessions.Values)
            {
                var heldUntil = session.Leases.HeldUntil();
                if (heldUntil != DateTimeOffset.MaxValue && now - heldUntil >= Grace)
                {
                    LogOrphaned(_logger, session.Id, _options.GraceSeconds);
                    _ = CloseAsync(session.Id, $"nothing held it for {_options.GraceSeconds} s");
                }
            }
        }
        catch (Exception ex)
        {
            LogSweepFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} started ({Kind}, lip-sync {Renderer}, LLM {Llm})")]
    private static partial void LogCreated(ILogger logger, string sessionId, SessionKind kind, string renderer, string llm);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session refused: limit of {Limit} reached")]
    private static partial void LogRefused(ILogger logger, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: no page, client or viewer held it for {Seconds} s; ending it")]
    private static partial void LogOrphaned(ILogger logger, string sessionId, int seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
