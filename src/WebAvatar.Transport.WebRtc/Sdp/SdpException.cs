namespace WebAvatar.Transport.WebRtc.Sdp;

/// <summary>An offer we cannot parse or answer; the message says why, in words a client developer can act on.</summary>
public sealed class SdpException(string message) : Exception(message);
