using Microsoft.Extensions.Time.Testing;
using WebAvatar.Pipeline.Live;
using WebAvatar.Pipeline.Tests.TestDoubles;

namespace WebAvatar.Pipeline.Tests.Live;

/// <summary>Until when each kind of holder keeps a session, to the tick, on a fake clock.</summary>
public class SessionLeasesTests
{
    private static readonly TimeSpan ViewerFresh = TimeSpan.FromSeconds(3);

    private readonly FakeTimeProvider _time = new();
    private readonly SessionLeases _leases;
    private readonly DateTimeOffset _created;

    public SessionLeasesTests()
    {
        _created = _time.GetUtcNow();
        _leases = new SessionLeases(_time, ViewerFresh);
    }

    [Fact]
    public void A_new_session_counts_as_held_at_its_creation_only()
    {
        Assert.Equal(_created, _leases.HeldUntil());
        Assert.True(_leases.IsHeld());

        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(_created, _leases.HeldUntil());
        Assert.False(_leases.IsHeld());
    }

    [Fact]
    public void A_page_lease_holds_until_suspended_and_again_once_kept_alive()
    {
        var page = _leases.Hold(LeaseKind.Page, "page");
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DateTimeOffset.MaxValue, _leases.HeldUntil());

        var dropped = _time.GetUtcNow();
        page.Suspend();
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(dropped, _leases.HeldUntil());
        Assert.False(_leases.IsHeld());

        page.KeepAlive();
        Assert.Equal(DateTimeOffset.MaxValue, _leases.HeldUntil());
    }

    [Fact]
    public void A_timed_lease_holds_for_its_ttl_after_each_keep_alive()
    {
        var ttl = TimeSpan.FromSeconds(60);
        var api = _leases.HoldFor(LeaseKind.Api, "key-1", ttl);
        Assert.Equal(_created + ttl, _leases.HeldUntil());

        _time.Advance(TimeSpan.FromSeconds(45));
        api.KeepAlive();
        Assert.Equal(_created + TimeSpan.FromSeconds(105), _leases.HeldUntil());

        _time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        Assert.True(_leases.IsHeld());
        _time.Advance(TimeSpan.FromTicks(2));
        Assert.False(_leases.IsHeld());
    }

    [Fact]
    public void A_viewer_holds_while_fresh_and_once_quiet_counts_as_gone_since_it_was_last_heard()
    {
        var viewer = new FakeMediaViewer(_time);
        _leases.Watch(viewer);
        for (int second = 0; second < 30; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            viewer.Heard();
            Assert.True(_leases.IsHeld(), $"a viewer heard every second holds the session at {second} s");
        }

        var lastHeard = _time.GetUtcNow();
        _time.Advance(ViewerFresh - TimeSpan.FromTicks(1));
        Assert.True(_leases.IsHeld());
        Assert.Equal(_time.GetUtcNow(), _leases.HeldUntil());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(_leases.IsHeld());
        Assert.Equal(lastHeard, _leases.HeldUntil()); // the grace runs from the last packet, not from when it was missed
    }

    [Fact]
    public void Releasing_a_lease_counts_as_its_end()
    {
        var page = _leases.Hold(LeaseKind.Page, "page");
        _time.Advance(TimeSpan.FromSeconds(7));
        var released = _time.GetUtcNow();

        page.Dispose();
        page.Dispose();
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.True(page.IsReleased);
        Assert.Empty(_leases.Active);
        Assert.Equal(released, _leases.HeldUntil());
    }

    [Fact]
    public void Releasing_a_timed_lease_early_ends_it_at_once_and_a_lapsed_one_when_it_lapsed()
    {
        var early = _leases.HoldFor(LeaseKind.Api, "early", TimeSpan.FromSeconds(60));
        var lapsed = _leases.HoldFor(LeaseKind.Api, "lapsed", TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(10));
        var now = _time.GetUtcNow();

        lapsed.Dispose();
        Assert.Equal(_created + TimeSpan.FromSeconds(60), _leases.HeldUntil());
        early.Dispose();
        Assert.Equal(now, _leases.HeldUntil());
    }

    [Fact]
    public void The_latest_holder_decides()
    {
        var page = _leases.Hold(LeaseKind.Page, "page");
        _leases.HoldFor(LeaseKind.Api, "key-1", TimeSpan.FromSeconds(20));
        page.Suspend();

        Assert.Equal(_created + TimeSpan.FromSeconds(20), _leases.HeldUntil());
        Assert.Equal([LeaseKind.Page, LeaseKind.Api], _leases.Active.Select(l => l.Kind));
    }
}
