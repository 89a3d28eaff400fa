namespace WebAvatar.Pipeline.Live;

/// <summary>What holds a session alive.</summary>
public enum LeaseKind
{
    /// <summary>A chat page whose connection is up.</summary>
    Page,

    /// <summary>A media viewer (WebRTC peer) heard from recently.</summary>
    Viewer,

    /// <summary>An API client: held until its time-to-live passes without a keep-alive.</summary>
    Api,

    /// <summary>A broadcast: held until the session is deleted.</summary>
    Broadcast,
}

/// <summary>
/// One holder's claim on a session. The session lives while any lease is alive, and for the grace time after the last
/// one lapsed. Thread-safe; never blocks. Dispose releases it.
/// </summary>
public sealed class SessionLease : IDisposable
{
    private readonly SessionLeases _owner;
    private readonly TimeSpan? _ttl;
    private readonly Func<TimeSpan>? _sinceHeard;
    private readonly TimeSpan _fresh;
    private long _aliveUntilTicks;

    internal SessionLease(SessionLeases owner, LeaseKind kind, string holder, TimeSpan? ttl, Func<TimeSpan>? sinceHeard, TimeSpan fresh)
    {
        _owner = owner;
        Kind = kind;
        Holder = holder;
        _ttl = ttl;
        _sinceHeard = sinceHeard;
        _fresh = fresh;
        KeepAlive();
    }

    public LeaseKind Kind { get; }

    /// <summary>Who holds it ("page", an API key id, a peer id...): for dashboards and logs.</summary>
    public string Holder { get; }

    public bool IsReleased { get; private set; }

    /// <summary>When a timed lease lapses unless kept alive; null for open and viewer leases.</summary>
    public DateTimeOffset? ExpiresAt => _ttl is null ? null : new DateTimeOffset(Interlocked.Read(ref _aliveUntilTicks), TimeSpan.Zero);

    /// <summary>Renews the lease: a timed lease runs for its time-to-live from now, an open one is held again (after <see cref="Suspend"/>).</summary>
    public void KeepAlive()
    {
        long until = _ttl is { } ttl ? (_owner.Now + ttl).UtcTicks : long.MaxValue;
        Interlocked.Exchange(ref _aliveUntilTicks, until);
    }

    /// <summary>The holder went quiet (a page's connection dropped) but may come back: the grace time starts now.</summary>
    public void Suspend() => Interlocked.Exchange(ref _aliveUntilTicks, _owner.Now.UtcTicks);

    public void Dispose()
    {
        if (IsReleased)
        {
            return;
        }

        IsReleased = true;
        _owner.Release(this);
    }

    /// <summary>The instant until which this lease holds the session (in the past once lapsed).</summary>
    internal DateTimeOffset AliveUntil(DateTimeOffset now)
    {
        if (_sinceHeard is not null)
        {
            // A viewer heard within the freshness time holds now; one gone quiet lapsed when it was last heard, so the grace
            // runs from that moment and a vanished browser frees its slot one grace after its last packet.
            var since = _sinceHeard();
            return since < _fresh ? now : now - since;
        }

        long ticks = Interlocked.Read(ref _aliveUntilTicks);
        return ticks == long.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(ticks, TimeSpan.Zero);
    }
}
