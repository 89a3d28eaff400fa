using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using WebAvatar.Transport.WebRtc.Ice;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Tests.Support;
using WebAvatar.Transport.WebRtc.Tests.Unit;
using Xunit.Abstractions;

namespace WebAvatar.Transport.WebRtc.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class RobustnessTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task FuzzedDatagramsAndMalformedOffersDoNotDisturbAConnectedPeer()
    {
        var host = fixture.Host;
        var page = await fixture.OpenPageAsync();
        try
        {
            var client = new PageClient(page);
            var peer = await BrowserStreamingTests.ConnectAsync(host, client, "H264", mic: true);
            await client.WaitForFramesAsync(10, TimeSpan.FromSeconds(5));
            var before = await client.StatsAsync();
            long micBefore = peer.GetStats().MicPacketsReceived;
            var random = new Random(1234);

            // 1. Garbage from a stranger's socket: every RFC 7983 range, random lengths, including truncated STUN with the peer's ufrag.
            using (var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                var target = host.Transport.LocalEndPoint;
                var validCheck = StunTests.Request(peer.LocalUfrag + ":abcd", Encoding.ASCII.GetBytes(peer.LocalPassword));
                for (int i = 0; i < 3000; i++)
                {
                    var datagram = RandomDatagram(random, i, validCheck);
                    stranger.SendTo(datagram, target);
                }
            }

            // 2. Garbage that appears to come from the browser's own address (spoofed in-process), reaching the peer's DTLS/SRTP/RTCP code.
            var browserAddress = peer.RemoteSocketAddress!;
            for (int i = 0; i < 3000; i++)
            {
                var datagram = RandomDatagram(random, i, Array.Empty<byte>());
                if (datagram.Length > 0 && datagram[0] <= 3)
                {
                    continue; // a bad STUN check from the browser's address is covered above
                }

                host.Transport.Dispatch(datagram, browserAddress);
            }

            // 3. Malformed offers to the signalling endpoint.
            using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
            string offer = Fixtures.ChromiumOffer;
            int rejected = 0;
            for (int i = 0; i < 40; i++)
            {
                var chars = offer.ToCharArray();
                for (int k = 0; k < 1 + random.Next(30); k++)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
                }

                var mutated = i % 4 == 0 ? new string(chars)[..random.Next(chars.Length)] : new string(chars);
                var response = await PostSdpAsync(http, WebRtcTestHost.SessionId, mutated);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    await http.DeleteAsync(response.Headers.Location);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                    rejected++;
                }
            }

            // Decoding after the fuzzing is what must be intact; the window skips the fuzzing burst itself, which on a
            // 2-core machine competes with the browser for CPU.
            await Task.Delay(1000);
            before = await client.StatsAsync();
            await Task.Delay(3000);
            var after = await client.StatsAsync();
            double seconds = (PageClient.Double(after, "video", "timestamp")!.Value - PageClient.Double(before, "video", "timestamp")!.Value) / 1000;
            double fps = (PageClient.Long(after, "video", "framesDecoded") - PageClient.Long(before, "video", "framesDecoded")) / seconds;
            var stats = peer.GetStats();
            output.WriteLine($"after fuzzing: {fps:F1} fps, peer {stats.State}, SRTP rejected {stats.SrtpRejected}, mic packets {micBefore} -> {stats.MicPacketsReceived}, " +
                $"transport dropped {host.Transport.DatagramsDropped}, handler errors {host.Transport.HandlerErrors}, offers rejected {rejected}/40");
            foreach (var message in host.Log.Messages)
            {
                output.WriteLine("server log: " + message);
            }

            Assert.Equal(WebRtcPeerState.Connected, peer.State);
            Assert.Equal("connected", after.GetProperty("connectionState").GetString());
            Assert.True(fps >= 20, $"video slowed to {fps:F1} fps after fuzzing");
            Assert.True(stats.MicPacketsReceived > micBefore, "microphone stopped after fuzzing");
            Assert.True(stats.SrtpRejected > 0, "fuzzed SRTP should have been rejected and counted");
            Assert.Equal(0, host.Transport.HandlerErrors);
            Assert.True(rejected >= 10, $"only {rejected} of 40 mutated offers were rejected");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task TwentyConnectDisconnectCyclesLeakNothing()
    {
        var host = fixture.Host;
        var page = await fixture.OpenPageAsync();
        try
        {
            var client = new PageClient(page);
            await Cycle(host, client); // warm-up: JIT, pools, first thread-pool growth
            await BrowserStreamingTests.WaitUntil(() => host.Peers.Count == 0, TimeSpan.FromSeconds(3));
            var process = Process.GetCurrentProcess();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long memoryBefore = ManagedHeapBytes();
            process.Refresh();
            int threadsBefore = process.Threads.Count;
            var connectTimes = new List<double>();
            for (int i = 0; i < 20; i++)
            {
                connectTimes.Add(await Cycle(host, client));
            }

            await BrowserStreamingTests.WaitUntil(() => host.Peers.Count == 0 && host.Media.SubscriberCount == 0, TimeSpan.FromSeconds(5));
            await Task.Delay(1500); // let DTLS read loops observe the close and exit
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long memoryAfter = ManagedHeapBytes();
            process.Refresh();
            int threadsAfter = process.Threads.Count;
            connectTimes.Sort();
            output.WriteLine($"20 cycles: connect median {connectTimes[10]:F0} ms, max {connectTimes[^1]:F0} ms; peers {host.Peers.Count}, " +
                $"registered {host.Transport.RegisteredPeers}, subscribers {host.Media.SubscriberCount}, threads {threadsBefore} -> {threadsAfter}, " +
                $"managed memory {memoryBefore / 1024} KB -> {memoryAfter / 1024} KB");
            Assert.Equal(0, host.Peers.Count);
            Assert.Equal(0, host.Transport.RegisteredPeers);
            Assert.Equal(0, host.Media.SubscriberCount);
            Assert.True(threadsAfter <= threadsBefore + 6, $"threads grew {threadsBefore} -> {threadsAfter}");
            Assert.True(memoryAfter - memoryBefore < 8 * 1024 * 1024, $"managed memory grew by {(memoryAfter - memoryBefore) / 1024} KB");
            Assert.True(connectTimes[10] < 1000, $"median connect {connectTimes[10]} ms");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task SignallingRejectsBadRequestsClearly()
    {
        var host = fixture.Host;
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var unknown = await PostSdpAsync(http, "no-such-session", Fixtures.ChromiumOffer);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var wrongType = await http.PostAsync("/api/webrtc/demo", new StringContent(Fixtures.ChromiumOffer, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);

        var tooBig = await PostSdpAsync(http, WebRtcTestHost.SessionId, "v=0\r\n" + new string('a', 70_000));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);

        var noRtcpMux = await PostSdpAsync(http, WebRtcTestHost.SessionId, Fixtures.ChromiumOffer.Replace("a=rtcp-mux\r\n", "").Replace("a=rtcp-mux\n", ""));
        Assert.Equal(HttpStatusCode.BadRequest, noRtcpMux.StatusCode);
        Assert.Contains("rtcp-mux", await noRtcpMux.Content.ReadAsStringAsync());

        var created = await PostSdpAsync(http, WebRtcTestHost.SessionId, Fixtures.ChromiumOffer);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("application/sdp", created.Content.Headers.ContentType!.MediaType);
        var location = created.Headers.Location!.ToString();
        Assert.StartsWith("/api/webrtc/demo/", location);
        Assert.Contains("a=ice-lite", await created.Content.ReadAsStringAsync());
        var stats = await http.GetStringAsync(location + "/stats");
        Assert.Contains("\"state\":\"New\"", stats);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(location + "/stats")).StatusCode);

        var script = await http.GetAsync("/api/webrtc/webavatar-webrtc.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("WebAvatarWebRtc", await script.Content.ReadAsStringAsync());
    }

    private static async Task<double> Cycle(WebRtcTestHost host, PageClient client)
    {
        var peer = await BrowserStreamingTests.ConnectAsync(host, client, "H264", mic: true);
        await client.CloseAsync();
        await BrowserStreamingTests.WaitUntil(() => peer.State == WebRtcPeerState.Closed, TimeSpan.FromSeconds(3));
        Assert.Equal(WebRtcPeerState.Closed, peer.State);
        return peer.ConnectTimeMs ?? double.NaN;
    }

    private static long ManagedHeapBytes()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }

    private static Task<HttpResponseMessage> PostSdpAsync(HttpClient http, string sessionId, string sdp)
    {
        var content = new StringContent(sdp, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        return http.PostAsync($"/api/webrtc/{sessionId}", content);
    }

    private static byte[] RandomDatagram(Random random, int i, byte[] validCheck)
    {
        if (validCheck.Length > 0 && i % 10 == 0)
        {
            return validCheck[..random.Next(validCheck.Length)];
        }

        var datagram = new byte[random.Next(0, 1300)];
        random.NextBytes(datagram);
        if (datagram.Length > 0)
        {
            datagram[0] = (i % 5) switch
            {
                0 => (byte)random.Next(0, 4),
                1 => (byte)random.Next(20, 64),
                2 => (byte)(0x80 | random.Next(0, 0x40)),
                3 => (byte)(0x80 | random.Next(0, 0x20)),
                _ => datagram[0],
            };
        }

        if (datagram.Length > 1 && i % 5 == 3)
        {
            datagram[1] = (byte)random.Next(192, 224); // RTCP range
        }

        return datagram;
    }
}
