namespace WebAvatar.Pipeline.Session;

/// <summary>A reply that was started: <see cref="Rendered"/> completes when all its frames are rendered, <see cref="Spoken"/> when the pacer has played them (or the reply was cancelled).</summary>
public sealed class ReplyHandle(string replyId, Task rendered, Task spoken)
{
    public string ReplyId { get; } = replyId;

    public Task Rendered { get; } = rendered;

    public Task Spoken { get; } = spoken;
}
