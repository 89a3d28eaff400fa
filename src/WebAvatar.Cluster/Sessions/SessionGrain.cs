using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WebAvatar.Cluster.Nodes;
using WebAvatar.Cluster.Placement;
using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Sdp;

namespace WebAvatar.Cluster.Sessions;

/// <summary>
/// The grain of one live session, on the node that runs it: it creates the session in this node's
/// <see cref="SessionRegistry"/>, carries commands to it, sends its events to followers on any node, and answers WHEP
/// offers with a peer on this node. Kept active while the session lives; it deactivates once the session has ended.
/// </summary>
[SessionPlacement]
[KeepAlive]
internal sealed partial class SessionGrain(
    SessionRegistry registry,
    WebRtcPeerManager peers,
    LocalNode node,
    ClusterLoadRefresher cluster,
    ISessionStills stills,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private static readonly TimeSpan EndCheckPeriod = TimeSpan.FromSeconds(1);
    // Also touched by OnNodeLost, which runs outside the grain's turns.
    private readonly ConcurrentDictionary<ISessionEventObserver, Follower> _followers = new();
    private IGrainTimer? _endCheck;
    private bool _opening;
    private bool _opened;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        cluster.NodeLost += OnNodeLost;
        _endCheck = this.RegisterGrainTimer(CheckEndedAsync, new GrainTimerCreationOptions(EndCheckPeriod, EndCheckPeriod) { Interleave = true });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        cluster.NodeLost -= OnNodeLost;
        _endCheck?.Dispose();
        foreach (var follower in _followers.Values)
        {
            follower.Dispose();
        }

        _followers.Clear();
        return Task.CompletedTask;
    }

    public async Task<SessionOpening> OpenAsync(SessionSpec spec)
    {
        if (_opened || registry.Find(Id) is not null)
        {
            throw new InvalidOperationException($"Session {Id} exists already.");
        }

        _opening = true;
        try
        {
            var session = await registry.CreateAsync(spec, CancellationToken.None, Id);
            _opened = true;
            LogOpened(logger, Id, node.Name);
            return new SessionOpening(View(session));
        }
        catch (Exception ex) when (ex is SessionLimitException or SessionRequestException or LipSync.AvatarException)
        {
            DeactivateOnIdle();
            return ex switch
            {
                SessionLimitException => new SessionOpening(null, SessionRefusal.NodeFull, $"Node {node.Name} has no free slot left ({registry.Count}/{registry.Capacity})."),
                SessionRequestException => new SessionOpening(null, SessionRefusal.UnknownAvatar, ex.Message),
                _ => new SessionOpening(null, SessionRefusal.AvatarUnusable, ex.Message),
            };
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _opening = false;
        }
    }

    public Task<SessionView?> DescribeAsync(string? owner) => Task.FromResult(Own(owner) is { } session ? View(session) : null);

    public Task<string?> GetOwnerAsync() => Task.FromResult(Own(null) is { } session ? session.Spec.Owner ?? string.Empty : null);

    public Task<CommandResult?> ExecuteAsync(string? owner, SessionCommand command) =>
        Task.FromResult(Own(owner)?.Execute(command));

    public Task<IReadOnlyList<Conversation.TranscriptEntry>?> TranscriptAsync(string? owner) =>
        Task.FromResult<IReadOnlyList<Conversation.TranscriptEntry>?>(Own(owner)?.Transcript.Where(e => e.IsFinal).ToList());

    public Task<SessionView?> KeepAliveAsync(string? owner)
    {
        if (Own(owner) is not { } session)
        {
            return Task.FromResult<SessionView?>(null);
        }

        SessionView.ApiLease(session)?.KeepAlive();
        return Task.FromResult<SessionView?>(View(session));
    }

    public async Task<bool> CloseAsync(string? owner, string reason)
    {
        if (Own(owner) is null)
        {
            return false;
        }

        await registry.CloseAsync(Id, reason);
        return true;
    }

    public Task<string?> FollowAsync(string? owner, ISessionEventObserver observer, string followerSilo, bool asPage)
    {
        if (Own(owner) is not { } session || _followers.ContainsKey(observer))
        {
            return Task.FromResult<string?>(null);
        }

        _followers[observer] = new Follower(session, observer, followerSilo, asPage, logger);
        return Task.FromResult<string?>(node.SiloKey);
    }

    public Task UnfollowAsync(ISessionEventObserver observer)
    {
        if (_followers.TryRemove(observer, out var follower))
        {
            follower.Dispose();
        }

        return Task.CompletedTask;
    }

    public async Task<WhepOutcome?> OfferAsync(string offerSdp)
    {
        if (Own(null) is null)
        {
            return null;
        }

        try
        {
            var created = await peers.CreatePeerAsync(Id, offerSdp, CancellationToken.None);
            return created is null ? null : new WhepOutcome(created.AnswerSdp, created.Peer.Id, created.VideoLayout, null);
        }
        catch (SdpException ex)
        {
            return WhepOutcome.Refused(WhepRefusal.BadOffer, ex.Message);
        }
        catch (WebRtcCapacityException ex)
        {
            return WhepOutcome.Refused(WhepRefusal.NoCapacity, ex.Message);
        }
    }

    public Task<bool> ClosePeerAsync(string peerId) => Task.FromResult(peers.ClosePeer(Id, peerId));

    public async Task<MirrorView?> StartMirrorAsync(string url, string? label)
    {
        if (Own(null) is not { } session)
        {
            return null;
        }

        try
        {
            await session.Mirrors.StopAsync(null, CancellationToken.None);
            return MirrorView.From(session, session.StartMirror(url, label));
        }
        catch (ObjectDisposedException)
        {
            return null; // ended meanwhile
        }
    }

    public async Task<bool> StopMirrorsAsync()
    {
        if (Own(null) is not { } session)
        {
            return false;
        }

        await session.Mirrors.StopAsync(null, CancellationToken.None);
        return true;
    }

    public async Task<byte[]?> StillAsync(bool png)
    {
        if (Own(null) is not { } session)
        {
            return null;
        }

        try
        {
            return await stills.EncodeAsync(session, png, CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            return null; // closed while rendering
        }
    }

    /// <summary>The live session for a caller (see <see cref="SessionOwnership.IsOwnedBy"/>).</summary>
    private LiveSession? Own(string? owner) => registry.Find(Id) is { } session && session.IsOwnedBy(owner) ? session : null;

    private SessionView View(LiveSession session) => SessionView.From(session, node.Name);

    private Task CheckEndedAsync(CancellationToken cancellationToken)
    {
        // While the session is being built (loading its avatar can take seconds) it is not in the registry yet.
        if (!_opening && registry.Find(Id) is null or { IsClosed: true })
        {
            // Followers have had the session's own "ended" event; the grain has nothing left to drive.
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    private void OnNodeLost(string name, SiloAddress silo)
    {
        // A follower on a node that died will not unfollow: stop sending to it (its reference would only time out).
        string key = silo.ToParsableString();
        foreach (var (observer, follower) in _followers.Where(f => f.Value.Silo == key))
        {
            if (_followers.TryRemove(observer, out _))
            {
                follower.Dispose();
            }
        }
    }

    /// <summary>Sends one follower the session's events, the current state first, and holds the session while it follows.</summary>
    private sealed class Follower : IDisposable
    {
        private readonly SessionEventSubscription _subscription;
        private readonly IDisposable _hold;
        private readonly CancellationTokenSource _stop = new();
        private int _disposed;

        public Follower(LiveSession session, ISessionEventObserver observer, string silo, bool asPage, ILogger logger)
        {
            Silo = silo;
            _subscription = session.Subscribe();
            _hold = asPage ? session.Leases.Hold(LeaseKind.Page, "page") : session.Leases.Hold(LeaseKind.Api, "event stream");
            _ = Task.Run(() => PumpAsync(session, observer, logger));
        }

        public string Silo { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _stop.Cancel();
            _subscription.Dispose();
            _hold.Dispose();
        }

        private async Task PumpAsync(LiveSession session, ISessionEventObserver observer, ILogger logger)
        {
            try
            {
                await observer.OnEventAsync(new SessionStateChanged(session.State) { SessionId = session.Id });
                await foreach (var e in _subscription.Events.ReadAllAsync(_stop.Token))
                {
                    await observer.OnEventAsync(e);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                LogFollowerLost(logger, session.Id, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} placed on node {Node}")]
    private static partial void LogOpened(ILogger logger, string sessionId, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: a follower stopped receiving events ({Reason})")]
    private static partial void LogFollowerLost(ILogger logger, string sessionId, string reason);
}
