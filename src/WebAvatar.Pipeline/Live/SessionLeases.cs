using WebAvatar.Media;

namespace WebAvatar.Pipeline.Live;

/// <summary>
/// The holders of one session. <see cref="HeldUntil"/> says until when the session counts as held; the registry ends it a
/// grace time after that. A new session counts as held at its creation, so its creator has the grace time to take a lease.
/// Thread-safe.
/// </summary>
public sealed class SessionLeases(TimeProvider time, TimeSpan viewerFresh)
{
    private readonly Lock _gate = new();
    private readonly List<SessionLease> _leases = [];
    private DateTimeOffset _lastReleased = time.GetUtcNow();

    internal DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Held until released or <see cref="SessionLease.Suspend"/>ed (a chat page, a broadcast).</summary>
    public SessionLease Hold(LeaseKind kind, string holder) => Add(new SessionLease(this, kind, holder, null, null, TimeSpan.Zero));

    /// <summary>Held for <paramref name="ttl"/> after each <see cref="SessionLease.KeepAlive"/> (an API client).</summary>
    public SessionLease HoldFor(LeaseKind kind, string holder, TimeSpan ttl) => Add(new SessionLease(this, kind, holder, ttl, null, TimeSpan.Zero));

    /// <summary>Held while <paramref name="viewer"/> was heard from within the freshness time.</summary>
    public SessionLease Watch(IMediaViewer viewer) =>
        Add(new SessionLease(this, LeaseKind.Viewer, viewer.Id, null, () => viewer.SinceLastHeard, viewerFresh));

    /// <summary>The leases not yet released.</summary>
    public IReadOnlyList<SessionLease> Active
    {
        get
        {
            lock (_gate)
            {
                return [.. _leases];
            }
        }
    }

    /// <summary>Until when the session is held: the latest instant any lease holds it (MaxValue while one is open).</summary>
    public DateTimeOffset HeldUntil()
    {
        var now = Now;
        lock (_gate)
        {
            var until = _lastReleased;
            foreach (var lease in _leases)
            {
                var alive = lease.AliveUntil(now);
                if (alive > until)
                {
                    until = alive;
                }
            }

            return until;
        }
    }

    /// <summary>Whether any lease holds the session right now.</summary>
    public bool IsHeld() => HeldUntil() >= Now;

    internal void Release(SessionLease lease)
    {
        var now = Now;
        lock (_gate)
        {
            if (_leases.Remove(lease))
            {
                var until = lease.AliveUntil(now);
                var lapsed = until < now ? until : now;
                if (lapsed > _lastReleased)
                {
                    _lastReleased = lapsed;
                }
            }
        }
    }

    /// <summary>Releases every lease (the session is ending).</summary>
    internal void Clear()
    {
        lock (_gate)
        {
            _leases.Clear();
        }
    }

    private SessionLease Add(SessionLease lease)
    {
        lock (_gate)
        {
            _leases.Add(lease);
        }

        return lease;
    }
}
