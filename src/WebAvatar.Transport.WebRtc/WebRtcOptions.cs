using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Transport.WebRtc;

/// <summary>Configuration section "WebRtc".</summary>
public sealed class WebRtcOptions
{
    public const string SectionName = "WebRtc";

    /// <summary>The one UDP port all peers share (0 = ephemeral, for tests). Open it in the firewall.</summary>
    [Range(0, 65535)]
    public int UdpPort { get; set; } = 5090;

    /// <summary>Local address to bind ("0.0.0.0" = all IPv4, "::" = dual-stack).</summary>
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Address put in the ICE candidate: the public/NAT address browsers can reach (IP literal or host name).
    /// Empty: the bind address if specific, else the first non-loopback IPv4 of this machine.
    /// </summary>
    public string? PublicAddress { get; set; }

    /// <summary>RFC 7675 consent: a peer sending no valid STUN check for this long is closed.</summary>
    [Range(1, 600)]
    public int ConsentTimeoutSeconds { get; set; } = 30;

    /// <summary>How long a peer has from the answer to a completed DTLS handshake.</summary>
    [Range(1, 120)]
    public int ConnectTimeoutSeconds { get; set; } = 20;

    /// <summary>How far back a NACK may reach for a retransmission.</summary>
    [Range(100, 10_000)]
    public int NackHistoryMs { get; set; } = 1000;

    /// <summary>Most peers served at once (across all sessions).</summary>
    [Range(1, 10_000)]
    public int MaxPeers { get; set; } = 100;

    /// <summary>Largest SDP offer accepted by the signalling endpoint.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxOfferBytes { get; set; } = 64 * 1024;

    /// <summary>Minimum gap between keyframe requests one peer forwards to the encoder (PLI/FIR storms).</summary>
    [Range(0, 10_000)]
    public int KeyFrameRequestIntervalMs { get; set; } = 500;
}

/// <summary>The attribute rules of <see cref="WebRtcOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class WebRtcOptionsValidator : IValidateOptions<WebRtcOptions>;
