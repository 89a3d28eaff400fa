using System.Net;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Sdp;
using WebAvatar.Transport.WebRtc.Tests.Support;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

public class SdpTests
{
    private static readonly LocalSessionDescription Local = new("srvU", "serverpassword0123456789ab", string.Join(':', Enumerable.Repeat("AB", 32)), new IPEndPoint(IPAddress.Parse("192.0.2.2"), 5090), 1111, 2222, "cname1", "webavatar");

    [Fact]
    public void ParsesChromiumOffer()
    {
        var offer = SdpParser.Parse(Fixtures.ChromiumOffer);
        Assert.Equal(new[] { "0", "1" }, offer.BundleMids);
        Assert.Equal("ZwqB", offer.IceUfrag);
        Assert.Equal("UtyKl2uS52YMh6IU046YMDCj", offer.IcePassword);
        Assert.StartsWith("CE:0C:E1", offer.FingerprintSha256);
        Assert.Equal("actpass", offer.Setup);
        Assert.Equal(2, offer.Media.Count);
        var video = offer.Media[0];
        Assert.Equal(("video", "0", "recvonly", true), (video.Kind, video.Mid, video.Direction, video.RtcpMux));
        var h264 = video.Codecs.Single(c => c.PayloadType == 108);
        Assert.Equal("H264", h264.Name);
        Assert.Equal("42e01f", h264.FmtpParameter("profile-level-id"));
        Assert.Contains("nack pli", h264.Feedback);
        var audio = offer.Media[1];
        Assert.Equal(("audio", "1", "sendrecv"), (audio.Kind, audio.Mid, audio.Direction));
        Assert.Contains(477405810u, audio.Ssrcs);
    }

    [Fact]
    public void NegotiatesConstrainedBaselineH264AndOpus()
    {
        var negotiation = SdpNegotiation.Negotiate(SdpParser.Parse(Fixtures.ChromiumOffer));
        Assert.Equal(108, negotiation.Video!.Codec!.PayloadType);
        Assert.Equal(MediaCodec.H264, negotiation.Video.MediaCodec);
        Assert.Equal("sendonly", negotiation.Video.AnswerDirection);
        Assert.Equal(111, negotiation.Audio!.Codec!.PayloadType);
        Assert.Equal("sendrecv", negotiation.Audio.AnswerDirection);
    }

    [Fact]
    public void FallsBackToVp8WithoutH264()
    {
        var offer = string.Join("\r\n", Fixtures.ChromiumOffer.Replace("\r", "").Split('\n').Where(l => !l.Contains("H264")));
        var negotiation = SdpNegotiation.Negotiate(SdpParser.Parse(offer));
        Assert.Equal(MediaCodec.Vp8, negotiation.Video!.MediaCodec);
        Assert.Equal(96, negotiation.Video.Codec!.PayloadType);
    }

    [Fact]
    public void AnswerHasTheLinesChromeNeeds()
    {
        var negotiation = SdpNegotiation.Negotiate(SdpParser.Parse(Fixtures.ChromiumOffer));
        var answer = SdpAnswerBuilder.Build(negotiation, Local);
        var lines = answer.Split("\r\n");
        Assert.Equal("v=0", lines[0]);
        foreach (var expected in new[]
        {
            "a=group:BUNDLE 0 1", "a=ice-lite", "m=video 5090 UDP/TLS/RTP/SAVPF 108", "m=audio 5090 UDP/TLS/RTP/SAVPF 111",
            "a=sendonly", "a=sendrecv", "a=rtcp-mux", "a=rtcp-rsize", "a=ice-ufrag:srvU", "a=ice-pwd:serverpassword0123456789ab",
            "a=setup:active", "a=rtpmap:108 H264/90000", "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
            "a=rtcp-fb:108 nack", "a=rtcp-fb:108 nack pli", "a=rtcp-fb:108 ccm fir", "a=rtpmap:111 opus/48000/2",
            "a=msid:webavatar webavatar-video", "a=msid:webavatar webavatar-audio", "a=ssrc:1111 cname:cname1", "a=ssrc:2222 cname:cname1",
            "a=candidate:1 1 udp 2130706431 192.0.2.2 5090 typ host generation 0", "a=end-of-candidates", "c=IN IP4 192.0.2.2",
        })
        {
            Assert.Contains(expected, lines);
        }

        Assert.Equal(2, lines.Count(l => l == "a=fingerprint:sha-256 " + Local.FingerprintSha256));
        Assert.EndsWith("\r\n", answer, StringComparison.Ordinal);
        // The answer itself must parse with our own parser (round trip sanity).
        Assert.Equal(2, SdpParser.Parse(answer).Media.Count);
    }

    [Fact]
    public void ExtraSectionsAreRejectedWithPortZero()
    {
        var offer = Fixtures.ChromiumOffer.Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n";
        var answer = SdpAnswerBuilder.Build(SdpNegotiation.Negotiate(SdpParser.Parse(offer)), Local);
        Assert.Contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n", answer);
        Assert.Contains("a=group:BUNDLE 0 1\r\n", answer);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello", "v=0")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", "no media")]
    [InlineData("v=0\r\nm=video\r\n", "malformed m= line")]
    [InlineData("v=0\r\ngarbage\r\n", "not '<type>=<value>'")]
    public void MalformedOffersThrowSdpExceptionWithReason(string sdp, string reason)
    {
        var e = Assert.Throws<SdpException>(() => SdpNegotiation.Negotiate(SdpParser.Parse(sdp)));
        Assert.Contains(reason, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("a=rtcp-mux\n", "", "rtcp-mux")]
    [InlineData("a=group:BUNDLE 0 1\n", "", "BUNDLE")]
    [InlineData("a=setup:actpass", "a=setup:active", "setup")]
    [InlineData("a=ice-pwd:UtyKl2uS52YMh6IU046YMDCj", "a=ice-pwd:short", "ice-pwd")]
    [InlineData("sha-256 CE:0C", "sha-1 CE:0C", "sha-256")]
    public void UnsupportedOffersExplainWhy(string find, string replace, string reason)
    {
        var offer = Fixtures.ChromiumOffer.Replace("\r", "").Replace(find, replace);
        var e = Assert.Throws<SdpException>(() => SdpNegotiation.Negotiate(SdpParser.Parse(offer)));
        Assert.Contains(reason, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void OfferWithoutUsableCodecsIsRejected()
    {
        var offer = string.Join("\n", Fixtures.ChromiumOffer.Replace("\r", "").Split('\n').Where(l => !l.Contains("H264") && !l.Contains("VP8") && !l.Contains("opus")));
        var e = Assert.Throws<SdpException>(() => SdpNegotiation.Negotiate(SdpParser.Parse(offer)));
        Assert.Contains("Nothing to answer", e.Message);
    }

    [Fact]
    public void RandomMutationsOnlyEverThrowSdpException()
    {
        var random = new Random(3);
        var original = Fixtures.ChromiumOffer;
        for (int i = 0; i < 500; i++)
        {
            var chars = original.ToCharArray();
            for (int k = 0; k < 1 + random.Next(20); k++)
            {
                chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
            }

            var mutated = new string(chars);
            if (i % 5 == 0)
            {
                mutated = mutated[..random.Next(mutated.Length)];
            }

            try
            {
                var negotiation = SdpNegotiation.Negotiate(SdpParser.Parse(mutated));
                SdpAnswerBuilder.Build(negotiation, Local);
            }
            catch (SdpException)
            {
            }
        }
    }
}
