using WebAvatar.Conversation;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// The reply state machine of one session and its single owner: which reply is current and what the conversation is doing.
/// Every transition takes one lock and names the reply it acts for, so a late signal about an old reply (the pacer's idle
/// slot, a failed stage) can never end or change a newer one.
/// <code>
/// Listening --Begin(llm)--> Thinking --ClipStarted--> Speaking --Finished--> Listening
/// Listening --Begin(say)--> Speaking
/// Thinking|Speaking --Begin--> Thinking|Speaking (the old reply is returned for cancelling; no pass through Listening)
/// Thinking|Speaking --Interrupt|Fail--> Listening
/// any --Stop--> Stopped (final: Begin throws, other transitions are no-ops)
/// </code>
/// <see cref="StateChanged"/> is raised inside the lock so that listeners see the states in the order they happened;
/// handlers must be quick and must not block (they may call back into the session: the lock is re-entrant).
/// </summary>
public sealed class ReplyLifecycle
{
    private readonly object _gate = new();
    private ActiveReply? _current;
    private ConversationState _state = ConversationState.Listening;

    public event Action<ConversationState>? StateChanged;

    public ConversationState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    internal ActiveReply? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Makes <paramref name="reply"/> current; returns the reply it replaced (the caller cancels it), or null.</summary>
    /// <exception cref="ObjectDisposedException">The session is stopped.</exception>
    internal ActiveReply? Begin(ActiveReply reply)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_state == ConversationState.Stopped, this);
            var replaced = _current;
            _current = reply;
            Set(reply.UsesLlm ? ConversationState.Thinking : ConversationState.Speaking);
            return replaced;
        }
    }

    /// <summary>The reply's first clip is being lip-synced: Thinking becomes Speaking. False when the reply is no longer current.</summary>
    internal bool ClipStarted(ActiveReply reply)
    {
        lock (_gate)
        {
            if (_current != reply)
            {
                return false;
            }

            Set(ConversationState.Speaking);
            return true;
        }
    }

    /// <summary>
    /// The pacer found nothing left to play. Ends <paramref name="reply"/> (back to Listening) when it is still current, fully
    /// rendered and <paramref name="queueEmpty"/> holds; evaluated under the lock so a reply begun meanwhile is never ended.
    /// </summary>
    internal bool Finished(ActiveReply reply, Func<bool> queueEmpty)
    {
        lock (_gate)
        {
            if (_current != reply || !reply.IsRendered || !queueEmpty())
            {
                return false;
            }

            _current = null;
            Set(ConversationState.Listening);
            return true;
        }
    }

    /// <summary>Barge-in or stop button: returns the reply that was running (the caller cancels it), or null when none was.</summary>
    internal ActiveReply? Interrupt()
    {
        lock (_gate)
        {
            var reply = _current;
            if (reply is null)
            {
                return null;
            }

            _current = null;
            Set(ConversationState.Listening);
            return reply;
        }
    }

    /// <summary>A stage of <paramref name="reply"/> failed: back to Listening when it is still current.</summary>
    internal bool Fail(ActiveReply reply)
    {
        lock (_gate)
        {
            if (_current != reply)
            {
                return false;
            }

            _current = null;
            Set(ConversationState.Listening);
            return true;
        }
    }

    /// <summary>The session ends: returns the reply that was running, if any. Final.</summary>
    internal ActiveReply? Stop()
    {
        lock (_gate)
        {
            var reply = _current;
            _current = null;
            Set(ConversationState.Stopped);
            return reply;
        }
    }

    private void Set(ConversationState state)
    {
        if (_state == state || _state == ConversationState.Stopped)
        {
            return;
        }

        _state = state;
        StateChanged?.Invoke(state);
    }
}
