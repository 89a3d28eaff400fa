using WebAvatar.Pipeline.Live;
using WebAvatar.Sessions;

namespace WebAvatar.Cluster.Sessions;

public static class SessionOwnership
{
    /// <summary>
    /// Whether <paramref name="owner"/> may see and drive a live session: null (a trusted caller: this node's pages, WHEP)
    /// reaches every session; an API owner only the API and broadcast sessions it created.
    /// </summary>
    public static bool IsOwnedBy(this LiveSession session, string? owner) =>
        !session.IsClosed && (owner is null || (session.Spec.Kind != SessionKind.Chat && session.Spec.Owner == owner));
}
