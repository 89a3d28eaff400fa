using System.Diagnostics;
using WebAvatar.Testing.Load;
using WebAvatar.Transport.WebRtc.Peers;
using WebAvatar.Transport.WebRtc.Tests.Browser;
using WebAvatar.Transport.WebRtc.Tests.Support;
using Xunit.Abstractions;

namespace WebAvatar.Transport.WebRtc.Tests.Load;

/// <summary>The non-browser WHEP load client against the real signalling and peer, with the 25 fps / 50 Opus packets/s test source.</summary>
public class WhepLoadClientTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("H264")]
    [InlineData("VP8")]
    public async Task LoadClientReceivesTheStreamInRealTime(string codec)
    {
        await using var host = await WebRtcTestHost.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connectClock = Stopwatch.StartNew();
        var client = await WhepLoadClient.ConnectAsync(new Uri(host.BaseUrl + "/"), WebRtcTestHost.SessionId, new WhepLoadOptions { VideoCodec = codec }, cts.Token);
        try
        {
            output.WriteLine($"[{codec}] keys after {connectClock.ElapsedMilliseconds} ms, profile {client.Profile}, peer {client.PeerUri}");
            var peer = Assert.Single(host.Peers.PeersOf(WebRtcTestHost.SessionId));
            await BrowserStreamingTests.WaitUntil(() => peer.State == WebRtcPeerState.Connected, TimeSpan.FromSeconds(2));
            Assert.Equal(WebRtcPeerState.Connected, peer.State);
            Assert.Equal(codec == "H264" ? WebAvatar.Media.MediaCodec.H264 : WebAvatar.Media.MediaCodec.Vp8, peer.VideoCodec);
            Assert.Equal(WhepLoadState.Connected, client.State);

            await BrowserStreamingTests.WaitUntil(() => client.Counters is { VideoFrames: > 0, AudioPackets: > 0 }, TimeSpan.FromSeconds(5));
            var before = client.Counters;
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
            var after = client.Counters;
            double seconds = clock.Elapsed.TotalSeconds;
            double fps = (after.VideoFrames - before.VideoFrames) / seconds;
            double opus = (after.AudioPackets - before.AudioPackets) / seconds;
            double kbps = (after.VideoPayloadBytes - before.VideoPayloadBytes + after.AudioPayloadBytes - before.AudioPayloadBytes) * 8 / seconds / 1000;
            output.WriteLine($"[{codec}] over {seconds:F3} s: {fps:F2} video frames/s, {opus:F2} Opus packets/s, {kbps:F0} kbit/s payload; totals {after}");
            Assert.True(fps >= 24, $"{fps:F2} video frames/s");
            Assert.True(opus >= 49, $"{opus:F2} Opus packets/s");
            Assert.Equal(0, after.UnprotectFailures);
            Assert.True(after.StunResponses >= 1);

            // Every frame counted once: frames are whole 40 ms RTP steps (3600 at 90 kHz) apart, one step unless the source's
            // clock slipped after a stall of the machine.
            var arrivals = client.FrameArrivals;
            Assert.True(arrivals.Count >= after.VideoFrames, $"{arrivals.Count} arrivals for {after.VideoFrames} frames counted");
            Assert.All(arrivals.Zip(arrivals.Skip(1)), pair =>
            {
                Assert.True(pair.Second.ArrivalTimestamp >= pair.First.ArrivalTimestamp);
                uint step = pair.Second.RtpTimestamp - pair.First.RtpTimestamp;
                Assert.True(step >= 3600 && step % 3600 == 0, $"RTP step {step} between two counted frames");
            });
        }
        finally
        {
            await client.CloseAsync(cts.Token);
        }

        Assert.Equal(WhepLoadState.Closed, client.State);
        await BrowserStreamingTests.WaitUntil(() => host.Peers.PeersOf(WebRtcTestHost.SessionId).Count == 0, TimeSpan.FromSeconds(2));
        Assert.Empty(host.Peers.PeersOf(WebRtcTestHost.SessionId));
    }
}
