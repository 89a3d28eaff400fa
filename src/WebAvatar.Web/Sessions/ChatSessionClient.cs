using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.Circuits;
using WebAvatar.Cluster.Sessions;
using WebAvatar.Conversation;
using WebAvatar.Sessions;
using WebAvatar.Web.Api.Sessions;

namespace WebAvatar.Web.Sessions;

/// <summary>
/// A chat page's session, wherever in the cluster it runs: started on the node with room (cluster-wide admission), driven
/// through its grain, its events followed while the page's connection is up. The follow is the page's hold on the session
/// (a page lease on the session's node): it lapses the moment the connection drops, comes back when it reconnects, and ends
/// with the circuit (or with this node), so a closed or crashed tab frees its slot after the grace time. The page proves a
/// reload is its own with the token it keeps; the token is the session's owner, so no other tab or client can drive it.
/// One per circuit (scoped). Events are delivered on a background task to the callback given at start.
/// </summary>
internal sealed partial class ChatSessionClient(ClusterSessions cluster, ILogger<ChatSessionClient> logger) : CircuitHandler, IDisposable
{
    private static readonly CommandResult Ended = CommandResult.Refused("The conversation has ended.");

    private readonly Lock _gate = new();
    private ISessionGrain? _grain;
    private string? _owner;
    private Func<SessionEvent, Task>? _onEvent;
    private CancellationTokenSource? _following;
    private bool _connectionDown;

    /// <summary>The session as it was when the page started or resumed it; null before that and after it ended.</summary>
    public SessionView? Session { get; private set; }

    /// <summary>What the tab keeps to resume this session after a reload (with <see cref="SessionView.Id"/>).</summary>
    public string? ResumeToken { get; private set; }

    /// <summary>
    /// Starts a chat session on the node with the most room. Throws <see cref="ClusterFullException"/> when every node is full
    /// and <see cref="SessionRefusedException"/> for an avatar that does not exist or cannot be used.
    /// </summary>
    public async Task<SessionView> StartAsync(string? avatarId, Func<SessionEvent, Task> onEvent, CancellationToken cancellationToken)
    {
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var view = await cluster.CreateAsync(new SessionSpec(SessionKind.Chat, AvatarId: avatarId, Owner: SessionOwner.ForPage(token)), cancellationToken);
        Adopt(view, token, onEvent);
        return view;
    }

    /// <summary>This tab's own session again, after a reload: null when it has ended or <paramref name="token"/> is not its owner's.</summary>
    public async Task<SessionView?> ResumeAsync(string id, string token, Func<SessionEvent, Task> onEvent, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || cluster.Session(id) is not { } grain
            || await grain.DescribeAsync(SessionOwner.ForPage(token)).WaitAsync(cancellationToken) is not { } view)
        {
            return null;
        }

        Adopt(view, token, onEvent);
        return view;
    }

    /// <summary>The conversation so far (final lines).</summary>
    public async Task<IReadOnlyList<TranscriptEntry>> TranscriptAsync(CancellationToken cancellationToken) =>
        Grain() is ({ } grain, var owner) ? await grain.TranscriptAsync(owner).WaitAsync(cancellationToken) ?? [] : [];

    /// <summary>Sends a command to the session; refused with a message when it has ended.</summary>
    public async Task<CommandResult> ExecuteAsync(SessionCommand command, CancellationToken cancellationToken) =>
        Grain() is ({ } grain, var owner) ? await grain.ExecuteAsync(owner, command).WaitAsync(cancellationToken) ?? Ended : Ended;

    /// <summary>Ends the page's session (another avatar was chosen) and forgets it.</summary>
    public async Task CloseAsync(string reason)
    {
        var current = Grain();
        Forget();
        if (current is ({ } grain, var owner))
        {
            await grain.CloseAsync(owner, reason);
        }
    }

    /// <summary>Stops following and forgets the session (it ended, or the page leaves it); the session is not closed.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            StopFollowing();
            _grain = null;
            _owner = null;
            _onEvent = null;
            Session = null;
            ResumeToken = null;
        }
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _connectionDown = true;
            StopFollowing(); // the hold lapses now: a dead browser's session ends after the grace time
        }

        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _connectionDown = false;
            Follow();
        }

        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Forget();
        return Task.CompletedTask;
    }

    public void Dispose() => Forget();

    private (ISessionGrain Grain, string? Owner)? Grain()
    {
        lock (_gate)
        {
            return _grain is null ? null : (_grain, _owner);
        }
    }

    private void Adopt(SessionView view, string token, Func<SessionEvent, Task> onEvent)
    {
        lock (_gate)
        {
            StopFollowing();
            _grain = cluster.Session(view.Id);
            _owner = SessionOwner.ForPage(token);
            _onEvent = onEvent;
            Session = view;
            ResumeToken = token;
            Follow();
        }
    }

    // Under _gate.
    private void Follow()
    {
        if (_connectionDown || _following is not null || Session is not { } session || _owner is null || _onEvent is null)
        {
            return;
        }

        var following = new CancellationTokenSource();
        _following = following;
        string id = session.Id, owner = _owner;
        var onEvent = _onEvent;
        _ = Task.Run(() => PumpAsync(id, owner, onEvent, following.Token)); // off the circuit's context: the page applies events itself
    }

    // Under _gate.
    private void StopFollowing()
    {
        var following = _following;
        _following = null;
        following?.Cancel();
        following?.Dispose();
    }

    private async Task PumpAsync(string id, string owner, Func<SessionEvent, Task> onEvent, CancellationToken cancellationToken)
    {
        try
        {
            var events = await cluster.FollowAsync(id, owner, cancellationToken, asPage: true);
            if (events is null)
            {
                await onEvent(new SessionEnded("it is no longer running") { SessionId = id });
                return;
            }

            await foreach (var e in events.WithCancellation(cancellationToken))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break; // the page left this session (another avatar): its last events must not reach the new one
                }

                await onEvent(e);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFollowFailed(logger, id, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat page: following session {SessionId} failed")]
    private static partial void LogFollowFailed(ILogger logger, string sessionId, Exception exception);
}
