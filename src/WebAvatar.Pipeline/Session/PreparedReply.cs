using System.Threading.Channels;
using WebAvatar.Media;

namespace WebAvatar.Pipeline.Session;

/// <summary>
/// A reply started on a guess of what the user said, before the end of their turn is confirmed (a preemptive reply): its
/// LLM, TTS and lip-sync run, its frames wait here (bounded: rendering pauses when full) and nothing of it is shown, said
/// or remembered until <see cref="ConversationSession.ConfirmReply"/>; <see cref="ConversationSession.DropReply"/>
/// cancels it without a trace. Made by <see cref="ConversationSession.PrepareReply"/>. Its state changes under its own lock.
/// </summary>
public sealed class PreparedReply
{
    private readonly TaskCompletionSource _confirmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State _state;

    internal PreparedReply(ActiveReply reply, string text, int frameCapacity)
    {
        Reply = reply;
        Text = text;
        Frames = Channel.CreateBounded<AvFrame>(new BoundedChannelOptions(frameCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    private enum State
    {
        Held,
        Confirmed,
        Dropped,
    }

    public string ReplyId => Reply.Context.ReplyId;

    /// <summary>The user text the reply answers.</summary>
    public string Text { get; }

    public bool IsHeld
    {
        get
        {
            lock (Gate)
            {
                return _state == State.Held;
            }
        }
    }

    internal object Gate { get; } = new();

    internal ActiveReply Reply { get; }

    /// <summary>Rendered frames waiting for the confirmation; the reply's task forwards them to the pacer after it.</summary>
    internal Channel<AvFrame> Frames { get; }

    /// <summary>Completes when the reply is confirmed; never when it is dropped (its token is cancelled instead).</summary>
    internal Task Confirmed => _confirmed.Task;

    /// <summary>The reply's task (all frames rendered and forwarded).</summary>
    internal Task Rendered { get; set; } = Task.CompletedTask;

    /// <summary>The latest LLM text produced while held (shown on confirmation). Under <see cref="Gate"/>.</summary>
    internal string? AvatarText { get; set; }

    /// <summary>Lip-sync of its first clip began while held. Under <see cref="Gate"/>.</summary>
    internal bool ClipStarted { get; set; }

    /// <summary>Held -> confirmed; false when it was dropped (or failed) first. Call under <see cref="Gate"/>.</summary>
    internal bool TryConfirm()
    {
        if (_state != State.Held)
        {
            return false;
        }

        _state = State.Confirmed;
        _confirmed.TrySetResult();
        return true;
    }

    /// <summary>Held -> dropped; false when it was confirmed first. Call under <see cref="Gate"/>.</summary>
    internal bool TryDrop()
    {
        if (_state != State.Held)
        {
            return false;
        }

        _state = State.Dropped;
        return true;
    }

    /// <summary>Disposes frames left in the hold; call once nothing writes to it any more.</summary>
    internal void DisposeHeldFrames()
    {
        while (Frames.Reader.TryRead(out var frame))
        {
            frame.Dispose();
        }
    }
}
