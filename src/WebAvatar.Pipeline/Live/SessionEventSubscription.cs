using System.Threading.Channels;
using WebAvatar.Sessions;

namespace WebAvatar.Pipeline.Live;

/// <summary>
/// One reader's queue of a session's events (an SSE stream, a page). Bounded: when the reader falls behind, the oldest
/// events go first and the gap shows in the sequence numbers. Dispose to stop receiving.
/// </summary>
public sealed class SessionEventSubscription : IDisposable
{
    private readonly Channel<SessionEvent> _events;
    private readonly Action<SessionEventSubscription> _unsubscribe;

    internal SessionEventSubscription(int capacity, Action<SessionEventSubscription> unsubscribe)
    {
        _events = Channel.CreateBounded<SessionEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _unsubscribe = unsubscribe;
    }

    /// <summary>The events in order; completes after the session's <see cref="SessionEnded"/>.</summary>
    public ChannelReader<SessionEvent> Events => _events.Reader;

    public void Dispose()
    {
        _unsubscribe(this);
        _events.Writer.TryComplete();
    }

    internal void Write(SessionEvent e) => _events.Writer.TryWrite(e);

    internal void Complete() => _events.Writer.TryComplete();
}
