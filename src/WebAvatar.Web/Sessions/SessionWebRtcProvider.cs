using WebAvatar.Pipeline.Live;
using WebAvatar.Transport.WebRtc;

namespace WebAvatar.Web.Sessions;

/// <summary>Tells the WebRTC transport what a session id means: its encoder output, its microphone, and where peers attach.</summary>
internal sealed class SessionWebRtcProvider(SessionRegistry sessions) : IWebRtcSessionProvider
{
    public ValueTask<WebRtcSessionBinding?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        var session = sessions.Find(sessionId);
        return ValueTask.FromResult(session is null || session.IsClosed
            ? null
            : new WebRtcSessionBinding(session.Media, session.Microphone, session.AttachViewer, session.Conversation.VideoLayout));
    }
}
