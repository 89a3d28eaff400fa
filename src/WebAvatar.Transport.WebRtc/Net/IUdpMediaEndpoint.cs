using System.Net;
using System.Net.Sockets;

namespace WebAvatar.Transport.WebRtc.Net;

/// <summary>
/// A peer as the shared UDP transport sees it. Both methods run on the transport's receive thread,
/// must not block, and must not throw for bad input (the transport still catches and counts).
/// </summary>
internal interface IUdpMediaEndpoint
{
    string LocalUfrag { get; }

    /// <summary>Handles a STUN message routed by USERNAME; returns true if it was a valid check (the source becomes a route).</summary>
    bool HandleStun(ReadOnlySpan<byte> message, SocketAddress source);

    /// <summary>Handles DTLS/RTP/RTCP from a source this peer validated with STUN.</summary>
    void HandleDatagram(ReadOnlySpan<byte> datagram, DatagramKind kind);
}
