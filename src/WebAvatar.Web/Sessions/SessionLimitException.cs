namespace WebAvatar.Web.Sessions;

public sealed class SessionLimitException(int limit)
    : Exception($"The avatar is busy: {(limit == 1 ? "its one live session is" : $"all {limit} live sessions are")} in use on this server. Please try again in a minute.")
{
    public int Limit { get; } = limit;
}
