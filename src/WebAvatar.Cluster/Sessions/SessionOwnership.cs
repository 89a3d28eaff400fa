using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;

namespace WebAvatar.Cluster.Sessions;

public static class SessionOwnership
{
    /// <summary>
    /// Whether <paramref name="owner"/> may see and drive a live session: null (a trusted caller: the dashboard, WHEP)
    /// reaches every session; any other owner only the sessions it created: an API key its API and broadcast sessions, a
    /// chat page (owner "page:" and the tab's secret token) its own session.
    /// </summary>
    public static bool IsOwnedBy(this LiveSession session, string? owner) =>
        !session.IsClosed && (owner is null || (session.Spec.Owner is { } creator && creator == owner));
}
