namespace WebAvatar.Pipeline.Session;

/// <summary>A reply the session started: its context, whether all its frames are rendered, and when it was spoken.</summary>
internal sealed class ActiveReply(ReplyContext context, bool usesLlm)
{
    private readonly TaskCompletionSource _spoken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _rendered;

    public ReplyContext Context { get; } = context;

    public bool UsesLlm { get; } = usesLlm;

    public Task Spoken => _spoken.Task;

    public bool IsRendered => _rendered;

    public void MarkRendered() => _rendered = true;

    public void MarkSpoken() => _spoken.TrySetResult();
}
