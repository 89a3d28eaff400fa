using WebAvatar.Media;

namespace WebAvatar.Transport.WebRtc.Sdp;

/// <summary>What we agreed to for one offered m= section.</summary>
public sealed record NegotiatedMedia(SdpMediaSection Offered, SdpCodec? Codec, MediaCodec? MediaCodec, string AnswerDirection)
{
    public bool Accepted => Codec is not null;

    public bool Sends => Accepted && AnswerDirection is "sendonly" or "sendrecv";

    public bool Receives => Accepted && AnswerDirection is "recvonly" or "sendrecv";
}

/// <summary>The negotiated session: at most one video and one audio section carry media, others are rejected.</summary>
public sealed record SdpNegotiation(SdpOffer Offer, IReadOnlyList<NegotiatedMedia> Sections)
{
    public NegotiatedMedia? Video => Sections.FirstOrDefault(s => s.Accepted && s.Offered.Kind == "video");

    public NegotiatedMedia? Audio => Sections.FirstOrDefault(s => s.Accepted && s.Offered.Kind == "audio");

    /// <summary>Chooses codecs and directions; throws <see cref="SdpException"/> when nothing usable is offered.</summary>
    public static SdpNegotiation Negotiate(SdpOffer offer)
    {
        if (offer.Setup is not ("actpass" or "passive"))
        {
            throw new SdpException($"Offer a=setup:{offer.Setup} is not supported: the server is always the DTLS client (answer setup:active), so offer actpass.");
        }

        var sections = new List<NegotiatedMedia>();
        bool haveVideo = false, haveAudio = false;
        foreach (var section in offer.Media)
        {
            NegotiatedMedia negotiated = Reject(section);
            if (section.Port != 0 && IsSecureRtpProfile(section.Protocol))
            {
                if (section.Kind == "video" && !haveVideo)
                {
                    negotiated = NegotiateVideo(section);
                    haveVideo = negotiated.Accepted;
                }
                else if (section.Kind == "audio" && !haveAudio)
                {
                    negotiated = NegotiateAudio(section);
                    haveAudio = negotiated.Accepted;
                }
            }

            if (negotiated.Accepted)
            {
                if (!section.RtcpMux)
                {
                    throw new SdpException($"The {section.Kind} section (mid {section.Mid}) lacks a=rtcp-mux; this server only multiplexes RTCP with RTP.");
                }

                if (!offer.BundleMids.Contains(section.Mid))
                {
                    throw new SdpException($"The {section.Kind} section (mid {section.Mid}) is not in a=group:BUNDLE; this server needs every media section bundled on one transport.");
                }
            }

            sections.Add(negotiated);
        }

        if (!haveVideo && !haveAudio)
        {
            var kinds = string.Join(", ", offer.Media.Select(m => $"{m.Kind} ({m.Protocol}: {string.Join(" ", m.Codecs.Select(c => c.Name))})"));
            throw new SdpException($"Nothing to answer: no UDP/TLS/RTP/SAVPF video with H264 (packetization-mode=1) or VP8, nor audio with opus/48000/2, in [{kinds}].");
        }

        return new SdpNegotiation(offer, sections);
    }

    private static NegotiatedMedia Reject(SdpMediaSection section) => new(section, null, null, "inactive");

    private static bool IsSecureRtpProfile(string protocol) =>
        protocol.Equals("UDP/TLS/RTP/SAVPF", StringComparison.OrdinalIgnoreCase)
        || protocol.Equals("UDP/TLS/RTP/SAVP", StringComparison.OrdinalIgnoreCase);

    private static NegotiatedMedia NegotiateVideo(SdpMediaSection section)
    {
        var codec = ChooseH264(section.Codecs);
        var mediaCodec = MediaCodec.H264;
        if (codec is null)
        {
            codec = section.Codecs.FirstOrDefault(c => c.Name.Equals("VP8", StringComparison.OrdinalIgnoreCase) && c.ClockRate == 90_000);
            mediaCodec = MediaCodec.Vp8;
        }

        if (codec is null)
        {
            return Reject(section);
        }

        // We only send video; a browser that will not receive gets an inactive section.
        string direction = section.Direction is "recvonly" or "sendrecv" ? "sendonly" : "inactive";
        return new NegotiatedMedia(section, codec, mediaCodec, direction);
    }

    private static SdpCodec? ChooseH264(IReadOnlyList<SdpCodec> codecs)
    {
        // Our encoder emits Constrained Baseline; 42e01f is its exact profile-level-id, other 42xxxx baseline variants decode it too.
        var candidates = codecs
            .Where(c => c.Name.Equals("H264", StringComparison.OrdinalIgnoreCase) && c.ClockRate == 90_000 && c.FmtpParameter("packetization-mode") == "1")
            .ToList();
        return candidates.FirstOrDefault(c => ProfileLevelId(c) == "42e01f")
            ?? candidates.FirstOrDefault(c => ProfileLevelId(c).StartsWith("42", StringComparison.Ordinal));
    }

    internal static string ProfileLevelId(SdpCodec codec) => (codec.FmtpParameter("profile-level-id") ?? "").ToLowerInvariant();

    private static NegotiatedMedia NegotiateAudio(SdpMediaSection section)
    {
        var codec = section.Codecs.FirstOrDefault(c => c.Name.Equals("opus", StringComparison.OrdinalIgnoreCase) && c.ClockRate == 48_000 && c.Channels == 2);
        if (codec is null)
        {
            return Reject(section);
        }

        string direction = section.Direction switch
        {
            "sendrecv" => "sendrecv",
            "recvonly" => "sendonly",
            "sendonly" => "recvonly",
            _ => "inactive",
        };
        return new NegotiatedMedia(section, codec, MediaCodec.Opus, direction);
    }
}
