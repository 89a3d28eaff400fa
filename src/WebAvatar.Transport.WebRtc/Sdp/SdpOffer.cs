namespace WebAvatar.Transport.WebRtc.Sdp;

/// <summary>One rtpmap'd payload type of a media section with its fmtp and rtcp-fb lines.</summary>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate, int Channels, string Fmtp, IReadOnlyList<string> Feedback)
{
    /// <summary>Value of a ';'-separated fmtp parameter, or null.</summary>
    public string? FmtpParameter(string name)
    {
        foreach (var part in Fmtp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return part[(eq + 1)..];
            }
        }

        return null;
    }
}

/// <summary>One m= section of an offer.</summary>
public sealed record SdpMediaSection(
    string Kind,
    int Port,
    string Protocol,
    string Mid,
    string Direction,
    bool RtcpMux,
    IReadOnlyList<SdpCodec> Codecs,
    IReadOnlyList<uint> Ssrcs,
    string FormatList);

/// <summary>What we need from a browser's offer; produced by <see cref="SdpParser"/>.</summary>
public sealed record SdpOffer(
    IReadOnlyList<SdpMediaSection> Media,
    IReadOnlyList<string> BundleMids,
    string IceUfrag,
    string IcePassword,
    string FingerprintSha256,
    string Setup);
