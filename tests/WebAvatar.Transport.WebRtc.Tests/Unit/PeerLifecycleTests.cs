using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebAvatar.Media;
using WebAvatar.Transport.WebRtc.Dtls;
using WebAvatar.Transport.WebRtc.Ice;
using WebAvatar.Transport.WebRtc.Net;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Sdp;
using WebAvatar.Transport.WebRtc.Tests.Support;

namespace WebAvatar.Transport.WebRtc.Tests.Unit;

/// <summary>Peer lifecycle over real UDP on loopback, without a browser: ICE-lite answers, consent expiry, closing.</summary>
public class PeerLifecycleTests
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();

    [Fact]
    public async Task AnswersIceChecksOverUdpAndClosesThePeerWhenConsentExpires()
    {
        var options = new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1", ConsentTimeoutSeconds = 1, ConnectTimeoutSeconds = 30 };
        using var transport = new UdpMediaTransport(Options.Create(options), NullLogger<UdpMediaTransport>.Instance);
        using var manager = new WebRtcPeerManager(transport, Certificate, new Provider(), Options.Create(options), NullLoggerFactory.Instance);
        var created = await manager.CreatePeerAsync("s1", Fixtures.ChromiumOffer, CancellationToken.None);
        Assert.NotNull(created);
        var peer = created.Peer;
        var answer = SdpParser.Parse(created.AnswerSdp);
        Assert.Equal(peer.LocalUfrag, answer.IceUfrag);
        Assert.Equal(Certificate.FingerprintSha256, answer.FingerprintSha256);
        Assert.Contains($"a=candidate:1 1 udp 2130706431 127.0.0.1 {transport.LocalEndPoint.Port} typ host", created.AnswerSdp);

        using var browser = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        browser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        browser.ReceiveTimeout = 2000;
        var password = Encoding.ASCII.GetBytes(answer.IcePassword);

        // A check with the wrong password gets no answer; a valid one gets a signed success response.
        browser.SendTo(StunTests.Request($"{answer.IceUfrag}:ZwqB", Encoding.ASCII.GetBytes("wrong-password-wrong-password")), transport.LocalEndPoint);
        browser.SendTo(StunTests.Request($"{answer.IceUfrag}:ZwqB", password, useCandidate: true), transport.LocalEndPoint);
        var response = ReceiveStun(browser);
        Assert.True(StunMessage.VerifyIntegrity(response, password));
        Assert.True(StunMessage.VerifyFingerprint(response));
        Assert.Equal(browser.LocalEndPoint!.ToString(), StunMessage.ReadXorMappedAddress(response)?.ToString());
        Assert.Equal(WebRtcPeerState.Connecting, peer.State);

        // The DTLS client starts right after the first valid check: a ClientHello (content type 22) reaches the browser.
        var buffer = new byte[2048];
        int length = browser.Receive(buffer);
        Assert.Equal(22, buffer[0]);
        Assert.True(length > 13);

        // Silence: consent expires after 1 s and the peer is closed and forgotten.
        await BrowserLikeWait(() => peer.State == WebRtcPeerState.Closed, TimeSpan.FromSeconds(5));
        Assert.Equal(WebRtcPeerState.Closed, peer.State);
        Assert.StartsWith("consent expired", peer.CloseReason);
        Assert.Equal(0, manager.Count);
        Assert.Equal(0, transport.RegisteredPeers);
    }

    [Fact]
    public async Task UnknownSessionReturnsNullAndCloseSessionClosesItsPeers()
    {
        var options = new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1" };
        using var transport = new UdpMediaTransport(Options.Create(options), NullLogger<UdpMediaTransport>.Instance);
        using var manager = new WebRtcPeerManager(transport, Certificate, new Provider(), Options.Create(options), NullLoggerFactory.Instance);
        Assert.Null(await manager.CreatePeerAsync("missing", Fixtures.ChromiumOffer, CancellationToken.None));
        await Assert.ThrowsAsync<SdpException>(() => manager.CreatePeerAsync("s1", "v=0\r\n", CancellationToken.None));
        var a = await manager.CreatePeerAsync("s1", Fixtures.ChromiumOffer, CancellationToken.None);
        var b = await manager.CreatePeerAsync("s1", Fixtures.ChromiumOffer, CancellationToken.None);
        var c = await manager.CreatePeerAsync("s2", Fixtures.ChromiumOffer, CancellationToken.None);
        Assert.Equal(3, manager.Count);
        Assert.Equal(2, manager.CloseSession("s1"));
        Assert.Equal(WebRtcPeerState.Closed, a!.Peer.State);
        Assert.Equal(WebRtcPeerState.Closed, b!.Peer.State);
        Assert.Same(c!.Peer, Assert.Single(manager.Peers));
        Assert.Null(manager.Find("s1", c.Peer.Id));
        Assert.True(manager.ClosePeer("s2", c.Peer.Id));
        Assert.Equal(0, manager.Count);
    }

    [Fact]
    public async Task PublicAddressIsAdvertisedInTheCandidate()
    {
        var options = new WebRtcOptions { UdpPort = 0, BindAddress = "127.0.0.1", PublicAddress = "203.0.113.9" };
        using var transport = new UdpMediaTransport(Options.Create(options), NullLogger<UdpMediaTransport>.Instance);
        using var manager = new WebRtcPeerManager(transport, Certificate, new Provider(), Options.Create(options), NullLoggerFactory.Instance);
        var created = await manager.CreatePeerAsync("s1", Fixtures.ChromiumOffer, CancellationToken.None);
        Assert.Contains($"a=candidate:1 1 udp 2130706431 203.0.113.9 {transport.LocalEndPoint.Port} typ host", created!.AnswerSdp);
        Assert.Contains("c=IN IP4 203.0.113.9", created.AnswerSdp);
    }

    [Fact]
    public async Task InvalidConfigurationFailsAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["WebRtc:UdpPort"] = "70000";
        builder.Services.AddWebRtcTransport();
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("UdpPort", e.Message);
    }

    private static byte[] ReceiveStun(Socket socket)
    {
        var buffer = new byte[2048];
        while (true)
        {
            int n = socket.Receive(buffer);
            if (buffer[0] <= 3)
            {
                return buffer[..n];
            }
        }
    }

    private static async Task BrowserLikeWait(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    private sealed class Provider : IWebRtcSessionProvider
    {
        private readonly NullSource _source = new();

        public ValueTask<WebRtcSessionBinding?> FindAsync(string sessionId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(sessionId.StartsWith('s') ? new WebRtcSessionBinding(_source, null) : null);
    }

    private sealed class NullSource : IEncodedMediaSource
    {
        public string SessionId => "s";

        public DateTimeOffset ClockOrigin { get; } = DateTimeOffset.UtcNow;

        public IEncodedMediaSubscription Subscribe(IReadOnlyCollection<MediaCodec> codecs, int capacity = 256, bool inlineReader = false) => throw new InvalidOperationException("not connected in these tests");

        public void RequestKeyFrame(MediaCodec codec)
        {
        }
    }
}
