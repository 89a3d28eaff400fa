using WebAvatar.Transport.WebRtc;

namespace WebAvatar.Web.Sessions;

/// <summary>Tells the WebRTC transport what a session id means: its encoder output and its microphone.</summary>
public sealed class SessionWebRtcProvider(AvatarSessionManager sessions) : IWebRtcSessionProvider
{
    public ValueTask<WebRtcSessionBinding?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        var session = sessions.Find(sessionId);
        var media = sessions.FindMedia(sessionId);
        return ValueTask.FromResult(session is null || media is null ? null : new WebRtcSessionBinding(media, session.Microphone));
    }
}
