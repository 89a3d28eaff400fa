namespace WebAvatar.Pipeline.Live;

/// <summary>Every slot of this server is taken; the message is meant for people.</summary>
public sealed class SessionLimitException(int limit)
    : Exception($"The avatar is busy: {(limit == 1 ? "its one live session is" : $"all {limit} live sessions are")} in use on this server. Please try again in a minute.")
{
    public int Limit { get; } = limit;
}

/// <summary>A session request names something that does not exist or may not be used (an unknown avatar...).</summary>
public sealed class SessionRequestException(string message) : Exception(message);
