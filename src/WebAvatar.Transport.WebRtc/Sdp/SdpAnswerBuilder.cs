using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebAvatar.Transport.WebRtc.Sdp;

/// <summary>Our side of the session that goes into the answer.</summary>
public sealed record LocalSessionDescription(
    string IceUfrag,
    string IcePassword,
    string FingerprintSha256,
    IPEndPoint Candidate,
    uint VideoSsrc,
    uint AudioSsrc,
    string Cname,
    string StreamId);

/// <summary>
/// Writes the answer Chrome accepts (DESIGN.md §2): ice-lite, BUNDLE, rtcp-mux/rsize, setup:active, one msid
/// stream for audio and video (so the browser lip-syncs them), one host candidate, end-of-candidates.
/// </summary>
public static class SdpAnswerBuilder
{
    public static string Build(SdpNegotiation negotiation, LocalSessionDescription local)
    {
        var sb = new StringBuilder(1024);
        void Line(string s) => sb.Append(s).Append("\r\n");

        string addressType = local.Candidate.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        string address = local.Candidate.Address.ToString();
        int port = local.Candidate.Port;
        Line("v=0");
        Line($"o=- {Random.Shared.NextInt64(1, long.MaxValue)} 2 IN IP4 127.0.0.1");
        Line("s=-");
        Line("t=0 0");
        var bundled = negotiation.Sections.Where(s => s.Accepted).Select(s => s.Offered.Mid);
        Line("a=group:BUNDLE " + string.Join(' ', bundled));
        Line("a=ice-lite");
        Line($"a=msid-semantic: WMS {local.StreamId}");
        foreach (var section in negotiation.Sections)
        {
            var offered = section.Offered;
            if (!section.Accepted)
            {
                // A rejected section echoes the offered formats with port 0 (RFC 8866 §5.14, RFC 3264 §6).
                string formats = offered.FormatList.Length > 0 ? offered.FormatList : "0";
                Line($"m={offered.Kind} 0 {offered.Protocol} {formats}");
                Line($"c=IN {addressType} {address}");
                if (offered.Mid.Length > 0)
                {
                    Line($"a=mid:{offered.Mid}");
                }

                Line("a=inactive");
                continue;
            }

            var codec = section.Codec!;
            bool video = offered.Kind == "video";
            Line($"m={offered.Kind} {port} UDP/TLS/RTP/SAVPF {codec.PayloadType}");
            Line($"c=IN {addressType} {address}");
            Line($"a=mid:{offered.Mid}");
            Line($"a={section.AnswerDirection}");
            Line("a=rtcp-mux");
            Line("a=rtcp-rsize");
            Line($"a=ice-ufrag:{local.IceUfrag}");
            Line($"a=ice-pwd:{local.IcePassword}");
            Line($"a=fingerprint:sha-256 {local.FingerprintSha256}");
            Line("a=setup:active");
            if (video)
            {
                Line($"a=rtpmap:{codec.PayloadType} {codec.Name}/90000");
                if (section.MediaCodec == WebAvatar.Media.MediaCodec.H264)
                {
                    string profile = SdpNegotiation.ProfileLevelId(codec);
                    Line($"a=fmtp:{codec.PayloadType} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id={profile}");
                }

                Line($"a=rtcp-fb:{codec.PayloadType} nack");
                Line($"a=rtcp-fb:{codec.PayloadType} nack pli");
                Line($"a=rtcp-fb:{codec.PayloadType} ccm fir");
            }
            else
            {
                Line($"a=rtpmap:{codec.PayloadType} {codec.Name}/48000/2");
                Line($"a=fmtp:{codec.PayloadType} minptime=10;useinbandfec=1");
            }

            if (section.Sends)
            {
                uint ssrc = video ? local.VideoSsrc : local.AudioSsrc;
                Line($"a=msid:{local.StreamId} {local.StreamId}-{offered.Kind}");
                Line($"a=ssrc:{ssrc} cname:{local.Cname}");
            }

            Line($"a=candidate:1 1 udp 2130706431 {address} {port} typ host generation 0");
            Line("a=end-of-candidates");
        }

        return sb.ToString();
    }
}
