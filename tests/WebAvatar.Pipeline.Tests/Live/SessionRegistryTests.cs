using Microsoft.Extensions.Time.Testing;
using WebAvatar.Conversation;
using WebAvatar.Media;
using WebAvatar.Pipeline.Live;
using WebAvatar.Pipeline.Tests.TestDoubles;
using WebAvatar.Sessions;
using WebAvatar.Testing.Doubles;

namespace WebAvatar.Pipeline.Tests.Live;

/// <summary>
/// The production registry on test boundaries. Lifetimes run on a fake clock stepped one sweep (500 ms) at a time from the
/// registry's creation, so a session's end is asserted to the tick: still there one tick before, gone at it.
/// </summary>
public sealed class SessionRegistryTests : IAsyncLifetime
{
    private const string LongLine = "This is a long line that the operator typed so the avatar talks for several seconds at least.";
    private static readonly TimeSpan Sweep = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new();
    private SessionRegistry? _registry;

    private SessionRegistry Registry => _registry ??= Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_held_page_lease_keeps_the_session()
    {
        var session = await CreateAsync();
        session.Leases.Hold(LeaseKind.Page, "page");

        Advance(TimeSpan.FromMinutes(5));

        Assert.Same(session, Registry.Find(session.Id));
        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task A_session_nobody_takes_ends_a_grace_after_its_creation()
    {
        var session = await CreateAsync();

        AssertEndsAfter(session, Grace);
    }

    [Fact]
    public async Task A_suspended_page_lease_ends_the_session_exactly_a_grace_later()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();
        var page = session.Leases.Hold(LeaseKind.Page, "page");
        Advance(TimeSpan.FromSeconds(30));

        page.Suspend();

        AssertEndsAfter(session, Grace);
        var ended = Assert.IsType<SessionEnded>((await ReadToEndAsync(events))[^1]);
        Assert.Equal("nothing held it for 10 s", ended.Reason);
    }

    [Fact]
    public async Task A_page_back_within_the_grace_keeps_its_session()
    {
        var session = await CreateAsync();
        var page = session.Leases.Hold(LeaseKind.Page, "page");
        page.Suspend();
        Advance(Grace - Sweep);

        page.KeepAlive();
        Advance(TimeSpan.FromMinutes(1));

        Assert.False(session.IsClosed);
    }

    [Fact]
    public async Task An_api_lease_lapses_its_ttl_plus_the_grace_after_creation()
    {
        Create(("Sessions:ApiLeaseSeconds", "5"));
        var session = await CreateAsync(new SessionSpec(SessionKind.Api, Owner: "key-1"));

        var lease = Assert.Single(session.Leases.Active);
        Assert.Equal((LeaseKind.Api, "key-1"), (lease.Kind, lease.Holder));
        AssertEndsAfter(session, TimeSpan.FromSeconds(5) + Grace);
    }

    [Fact]
    public async Task Keep_alives_extend_an_api_lease()
    {
        Create(("Sessions:ApiLeaseSeconds", "5"));
        var session = await CreateAsync(new SessionSpec(SessionKind.Api, Owner: "key-1"));
        var lease = Assert.Single(session.Leases.Active);
        for (int i = 0; i < 15; i++)
        {
            Advance(TimeSpan.FromSeconds(4));
            lease.KeepAlive();
        }

        Assert.False(session.IsClosed);
        AssertEndsAfter(session, TimeSpan.FromSeconds(5) + Grace);
    }

    [Fact]
    public async Task A_broadcast_never_ends_by_itself()
    {
        var session = await CreateAsync(new SessionSpec(SessionKind.Broadcast, Owner: "admin"));

        Advance(TimeSpan.FromHours(1));

        Assert.False(session.IsClosed);
        Assert.Equal(LeaseKind.Broadcast, Assert.Single(session.Leases.Active).Kind);
    }

    [Fact]
    public async Task A_viewer_heard_recently_holds_the_session_until_it_goes_quiet()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();
        var viewer = new FakeMediaViewer(_time);
        using var attachment = session.AttachViewer(viewer);
        for (int second = 0; second < 60; second++)
        {
            Advance(TimeSpan.FromSeconds(1));
            viewer.Heard();
        }

        Assert.False(session.IsClosed);
        AssertEndsAfter(session, Grace); // one grace after the viewer was last heard
        await ReadToEndAsync(events);
        Assert.Equal(["session ended: nothing held it for 10 s"], viewer.Closes);
    }

    [Fact]
    public async Task Admission_refuses_beyond_the_limit_and_admits_again_after_a_close()
    {
        Create(("Sessions:MaxSessions", "2"));
        var first = await CreateAsync();
        await CreateAsync();

        var refused = await Assert.ThrowsAsync<SessionLimitException>(() => CreateAsync());
        Assert.Equal(2, refused.Limit);
        Assert.Contains("all 2 live sessions are in use", refused.Message);
        Assert.Equal(2, Registry.Count);

        Assert.True(await Registry.CloseAsync(first.Id, "test"));
        Assert.False(await Registry.CloseAsync(first.Id, "test"));
        Assert.Equal(1, Registry.Count);
        var third = await CreateAsync();
        Assert.Same(third, Registry.Find(third.Id));
        Assert.Equal(2, Registry.Count);
    }

    [Fact]
    public async Task Closing_ends_the_parts_in_order_and_SessionEnded_is_the_last_event()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();
        var order = new List<string>();
        session.EventRaised += e =>
        {
            if (e is SessionStateChanged { State: ConversationState.Stopped })
            {
                order.Add("conversation stopped");
            }
            else if (e is SessionEnded)
            {
                order.Add($"ended (media released: {IsDisposed(() => session.Media.Subscribe([MediaCodec.Opus]).Dispose())})");
            }
        };
        var viewer = new FakeMediaViewer(_time)
        {
            Closing = () => order.Add(
                $"viewer closed (mirrors stopped: {IsDisposed(() => session.Mirrors.Start("rtmp://127.0.0.1/live/key"))}, " +
                $"media released: {IsDisposed(() => session.Media.Subscribe([MediaCodec.Opus]).Dispose())})"),
        };
        session.AttachViewer(viewer);
        session.Execute(new SpeakCommand(LongLine));

        Assert.True(await Registry.CloseAsync(session.Id, "test over"));

        Assert.Equal(
            ["conversation stopped", "viewer closed (mirrors stopped: True, media released: False)", "ended (media released: True)"],
            order);
        Assert.Equal(["session ended: test over"], viewer.Closes);
        Assert.Empty(session.Leases.Active);
        Assert.Equal(ConversationState.Stopped, session.State);
        var seen = await ReadToEndAsync(events);
        Assert.Equal("test over", Assert.IsType<SessionEnded>(seen[^1]).Reason);
        Assert.Contains(seen, e => e is SessionStateChanged { State: ConversationState.Stopped });
        AssertConsecutive(seen);

        var late = session.Subscribe();
        Assert.True(late.Events.Completion.IsCompleted);
        Assert.False(late.Events.TryRead(out _));
        Assert.Equal(CommandResult.Refused("The session has ended."), session.Execute(new SpeakCommand("Hello.")));
    }

    [Fact]
    public async Task Speak_say_exactly_starts_a_reply()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();

        var result = session.Execute(new SpeakCommand("Hello there."));

        Assert.True(result.Accepted);
        Assert.NotNull(result.ReplyId);
        Assert.Equal(ConversationState.Speaking, session.State);
        var seen = await ReadUntilAsync(events, ListeningAgain(1));
        Assert.Equal(["state Speaking", $"System {result.ReplyId}: Hello there.", "state Listening"], Story(seen));
        Assert.Contains(seen, e => e is StageMeasured { Stage: Stage.FirstAudioOut } s && s.ReplyId == result.ReplyId);
        AssertConsecutive(seen);
    }

    [Fact]
    public async Task Empty_or_oversized_text_is_refused_with_a_message()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();

        var empty = session.Execute(new SpeakCommand("   "));
        var huge = session.Execute(new SpeakCommand(new string('a', 5000), SpeakMode.AskLlm));

        Assert.Equal(CommandResult.Refused("Nothing to say: the text is empty."), empty);
        Assert.Equal(CommandResult.Refused("The text is too long: 5,000 characters, the limit is 4,000."), huge);
        Assert.Equal(ConversationState.Listening, session.State);
        Assert.False(events.Events.TryRead(out _));
    }

    [Fact]
    public async Task Interrupt_returns_to_listening_and_drops_the_queued_lines()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();
        var speak = session.Execute(new SpeakCommand(LongLine));
        session.Execute(new SpeakCommand("Later.", InterruptCurrent: false));

        Assert.Equal(CommandResult.Ok(), session.Execute(new InterruptCommand()));

        Assert.Equal(ConversationState.Listening, session.State);
        await Task.Delay(500); // time enough for a queued line to start, were it still queued
        Assert.Equal(ConversationState.Listening, session.State);
        var seen = await ReadUntilAsync(events, ListeningAgain(1));
        while (events.Events.TryRead(out var late))
        {
            seen.Add(late);
        }

        Assert.Equal(["state Speaking", $"System {speak.ReplyId}: {LongLine}", "state Listening"], Story(seen));
    }

    [Fact]
    public async Task A_line_that_does_not_interrupt_waits_for_the_current_reply()
    {
        var session = await CreateAsync();
        using var events = session.Subscribe();

        var first = session.Execute(new SpeakCommand("First line."));
        var second = session.Execute(new SpeakCommand("Second.", InterruptCurrent: false));

        Assert.True(first.Accepted);
        Assert.Equal(CommandResult.Ok(), second); // queued: no reply yet
        var seen = await ReadUntilAsync(events, ListeningAgain(2));
        var secondId = seen.OfType<TranscriptUpdated>().Last().ReplyId;
        Assert.NotEqual(first.ReplyId, secondId);
        Assert.Equal(
            ["state Speaking", $"System {first.ReplyId}: First line.", "state Listening", "state Speaking", $"System {secondId}: Second.", "state Listening"],
            Story(seen));
        AssertConsecutive(seen);
    }

    /// <summary>The registry, created on first use with <paramref name="settings"/> (a test's own configuration).</summary>
    private SessionRegistry Create(params (string Key, string Value)[] settings)
    {
        Assert.Null(_registry);
        return _registry = SessionRegistryFactory.Create(settings.ToDictionary(s => s.Key, s => (string?)s.Value), time: _time);
    }

    private Task<LiveSession> CreateAsync(SessionSpec? spec = null) => Registry.CreateAsync(spec ?? new SessionSpec(), CancellationToken.None);

    /// <summary>Moves the clock one sweep at a time, so that every sweep runs at its own instant.</summary>
    private void Advance(TimeSpan span)
    {
        for (var left = span; left > TimeSpan.Zero; left -= Sweep)
        {
            _time.Advance(left < Sweep ? left : Sweep);
        }
    }

    private void AssertEndsAfter(LiveSession session, TimeSpan span)
    {
        Advance(span - TimeSpan.FromTicks(1));
        Assert.False(session.IsClosed, $"ended before {span.TotalSeconds} s");
        Assert.Same(session, Registry.Find(session.Id));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(session.IsClosed, $"still running at {span.TotalSeconds} s");
        Assert.Null(Registry.Find(session.Id));
    }

    private static Func<List<SessionEvent>, bool> ListeningAgain(int times) =>
        seen => seen.Count(e => e is SessionStateChanged { State: ConversationState.Listening }) == times;

    private static async Task<List<SessionEvent>> ReadUntilAsync(SessionEventSubscription events, Func<List<SessionEvent>, bool> done)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var seen = new List<SessionEvent>();
        while (!done(seen))
        {
            seen.Add(await events.Events.ReadAsync(timeout.Token));
        }

        return seen;
    }

    private static async Task<List<SessionEvent>> ReadToEndAsync(SessionEventSubscription events)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var seen = new List<SessionEvent>();
        await foreach (var e in events.Events.ReadAllAsync(timeout.Token))
        {
            seen.Add(e);
        }

        return seen;
    }

    /// <summary>The state and transcript events, in order, as one line each (stage timings left out).</summary>
    private static List<string> Story(IEnumerable<SessionEvent> events) =>
        events.Select(e => e switch
        {
            SessionStateChanged s => $"state {s.State}",
            TranscriptUpdated t => $"{t.Role} {t.ReplyId}: {t.Text}",
            _ => null,
        }).OfType<string>().ToList();

    private static void AssertConsecutive(List<SessionEvent> events)
    {
        Assert.NotEmpty(events);
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => events[0].Sequence + i), events.Select(e => e.Sequence));
    }

    private static bool IsDisposed(Action use)
    {
        try
        {
            use();
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
