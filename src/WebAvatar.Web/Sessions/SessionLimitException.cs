namespace WebAvatar.Web.Sessions;

public sealed class SessionLimitException(int limit)
    : Exception($"The avatar is busy: all {limit} live sessions on this server are in use. Please try again in a minute.")
{
    public int Limit { get; } = limit;
}
