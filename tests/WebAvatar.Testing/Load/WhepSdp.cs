using System.Net;
using System.Text;
using WebAvatar.Transport.WebRtc.Sdp;

namespace WebAvatar.Testing.Load;

/// <summary>What the load client needs from the server's answer.</summary>
public sealed record WhepAnswer(
    string IceUfrag,
    string IcePassword,
    string FingerprintSha256,
    IPEndPoint Candidate,
    int? VideoPayloadType,
    string? VideoCodec,
    int? AudioPayloadType)
{
    /// <summary>
    /// Parses the answer. The server's own <see cref="SdpParser"/> reads the shared syntax (credentials, fingerprint,
    /// rtpmaps); only the candidate, which an offer never needs, is read here.
    /// </summary>
    public static WhepAnswer Parse(string sdp)
    {
        var parsed = SdpParser.Parse(sdp);
        if (!parsed.Setup.Equals("active", StringComparison.OrdinalIgnoreCase))
        {
            throw new SdpException($"The answer has a=setup:{parsed.Setup}; the load client offered passive and needs active.");
        }

        var video = parsed.Media.FirstOrDefault(m => m.Kind == "video" && m.Port != 0 && m.Codecs.Count > 0);
        var audio = parsed.Media.FirstOrDefault(m => m.Kind == "audio" && m.Port != 0 && m.Codecs.Count > 0);
        return new WhepAnswer(
            parsed.IceUfrag,
            parsed.IcePassword,
            parsed.FingerprintSha256,
            ReadHostCandidate(sdp),
            video?.Codecs[0].PayloadType,
            video?.Codecs[0].Name,
            audio?.Codecs[0].PayloadType);
    }

    private static IPEndPoint ReadHostCandidate(string sdp)
    {
        // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
        foreach (var raw in sdp.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (!line.StartsWith("a=candidate:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 8
                && parts[1] == "1"
                && parts[2].Equals("udp", StringComparison.OrdinalIgnoreCase)
                && IPAddress.TryParse(parts[4], out var address)
                && int.TryParse(parts[5], out int port) && port is > 0 and <= 65535)
            {
                return new IPEndPoint(address, port);
            }
        }

        throw new SdpException("The answer has no UDP host candidate for component 1.");
    }
}

/// <summary>Writes the offer: recvonly H.264 (or VP8) video and recvonly Opus, bundled, rtcp-mux, setup:passive.</summary>
public static class WhepOffer
{
    public static string Build(string iceUfrag, string icePassword, string fingerprintSha256, string videoCodec)
    {
        bool h264 = videoCodec.Equals("H264", StringComparison.OrdinalIgnoreCase);
        if (!h264 && !videoCodec.Equals("VP8", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Video codec '{videoCodec}' is neither H264 nor VP8.", nameof(videoCodec));
        }

        var sb = new StringBuilder(1024);
        void Line(string s) => sb.Append(s).Append("\r\n");
        void Transport(string mid)
        {
            Line("c=IN IP4 0.0.0.0");
            Line($"a=mid:{mid}");
            Line("a=recvonly");
            Line("a=rtcp-mux");
            Line("a=rtcp-rsize");
            Line($"a=ice-ufrag:{iceUfrag}");
            Line($"a=ice-pwd:{icePassword}");
            Line($"a=fingerprint:sha-256 {fingerprintSha256}");
            // Passive makes the server the DTLS client, as its answer (setup:active) always is.
            Line("a=setup:passive");
        }

        Line("v=0");
        Line($"o=- {Random.Shared.NextInt64(1, long.MaxValue)} 2 IN IP4 127.0.0.1");
        Line("s=-");
        Line("t=0 0");
        Line("a=group:BUNDLE 0 1");
        int videoPt = h264 ? 102 : 96;
        Line($"m=video 9 UDP/TLS/RTP/SAVPF {videoPt}");
        Transport("0");
        if (h264)
        {
            Line($"a=rtpmap:{videoPt} H264/90000");
            Line($"a=fmtp:{videoPt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        }
        else
        {
            Line($"a=rtpmap:{videoPt} VP8/90000");
        }

        Line($"a=rtcp-fb:{videoPt} nack");
        Line($"a=rtcp-fb:{videoPt} nack pli");
        Line("m=audio 9 UDP/TLS/RTP/SAVPF 111");
        Transport("1");
        Line("a=rtpmap:111 opus/48000/2");
        Line("a=fmtp:111 minptime=10;useinbandfec=1");
        return sb.ToString();
    }
}
