namespace WebAvatar.Transport.WebRtc.Peers;

public enum WebRtcPeerState
{
    /// <summary>Answer sent; waiting for the browser's ICE checks.</summary>
    New,

    /// <summary>ICE check received; DTLS handshake running.</summary>
    Connecting,

    /// <summary>DTLS done, SRTP keys in place, media flowing.</summary>
    Connected,

    Closed,
}
