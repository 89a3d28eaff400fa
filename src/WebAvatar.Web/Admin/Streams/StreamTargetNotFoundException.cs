namespace WebAvatar.Web.Admin.Streams;

/// <summary>A request names a stream target that does not exist (deleted meanwhile, or a wrong id).</summary>
public sealed class StreamTargetNotFoundException(int targetId) : Exception($"There is no stream target {targetId}.")
{
    public int TargetId { get; } = targetId;
}
