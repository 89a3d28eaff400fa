using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Rtmp;
using WebAvatar.Media.Session;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Rtmp;

public class RtmpMirrorManagerTests
{
    [Theory]
    [InlineData("rtmp://live.example.com/app/secret-key", "rtmp://live.example.com/app/****")]
    [InlineData("rtmps://h:443/live/k?token=abc", "rtmps://h:443/live/****")]
    public void Target_urls_are_validated_and_masked(string url, string masked)
    {
        Assert.Equal(url, RtmpTarget.Parse(url).OriginalString);
        Assert.Equal(masked, RtmpTarget.Mask(url));
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://example.com/live/key")]
    [InlineData("rtmp://")]
    [InlineData("rtmp://host")]
    [InlineData("not a url")]
    public void Malformed_targets_are_refused_clearly(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => RtmpTarget.Parse(url));
        Assert.Contains("rtmp://host[:port]/app/streamkey", ex.Message);
    }

    [Fact]
    public void Backoff_doubles_from_min_to_max()
    {
        var settings = new RtmpMirrorSettings();
        var waits = new List<double>();
        var backoff = settings.ReconnectMin;
        for (int i = 0; i < 8; i++)
        {
            waits.Add(backoff.TotalSeconds);
            backoff = settings.NextBackoff(backoff);
        }

        Assert.Equal(new double[] { 1, 2, 4, 8, 16, 30, 30, 30 }, waits);
    }

    [Fact]
    public async Task Manager_starts_lists_and_stops_mirrors_and_reports_an_unreachable_server()
    {
        await using var provider = Services(new() { ["Media:RtmpReconnectMinSeconds"] = "0.5", ["Media:RtmpReconnectMaxSeconds"] = "1" });
        var sessions = provider.GetRequiredService<SessionMediaEncoderFactory>();
        await using var manager = provider.GetRequiredService<RtmpMirrorManager>();
        Assert.Throws<KeyNotFoundException>(() => manager.Start("nobody", "rtmp://127.0.0.1/live/x"));

        using var encoder = sessions.Create("s1");
        Assert.Throws<InvalidOperationException>(() => sessions.Create("s1"));
        Assert.Throws<ArgumentException>(() => manager.Start("s1", "http://nope"));
        await using var pacer = new RealTimePacer(encoder, 160, 120);

        string url = $"rtmp://127.0.0.1:{ClosedPort()}/live/key";
        var first = manager.Start("s1", url);
        Assert.Equal(first.Id, manager.Start("s1", url).Id); // idempotent per (session, target)
        Assert.Equal("s1", first.SessionId);
        Assert.EndsWith("/live/****", first.TargetUrl);

        await RtmpMirrorStreamingTests.WaitForAsync(
            () => manager.List("s1").Single() is { State: RtmpMirrorState.Reconnecting, ReconnectCount: >= 2, LastError: not null },
            TimeSpan.FromSeconds(20),
            () => manager.List("s1").Single().ToString());
        var status = manager.List().Single();
        Assert.Contains("ffmpeg", status.LastError);
        Assert.DoesNotContain("/live/key", status.LastError); // stream keys stay out of statuses
        Assert.Equal(0, status.SentFrames);

        Assert.Equal(1, await manager.StopAsync("s1", url, CancellationToken.None));
        Assert.Empty(manager.List());
        Assert.Equal(0, await manager.StopAsync("s1", null, CancellationToken.None));

        encoder.Dispose();
        Assert.False(sessions.TryGet("s1", out _));
    }

    [Fact]
    public async Task Mirror_stops_by_itself_when_the_session_ends()
    {
        var encoder = new SessionMediaEncoder("ending");
        await using var mirror = new RtmpMirror(encoder, $"rtmp://127.0.0.1:{ClosedPort()}/live/k");
        mirror.Start();
        await Task.Delay(300);
        encoder.Dispose();
        await RtmpMirrorStreamingTests.WaitForAsync(() => mirror.Status.State == RtmpMirrorState.Stopped, TimeSpan.FromSeconds(10), () => mirror.Status.ToString());
        Assert.Equal("The session ended.", mirror.Status.LastError);
    }

    [Fact]
    public void AddMedia_binds_the_media_section_and_rejects_bad_values_at_start()
    {
        using (var good = Services(new() { ["Media:VideoBitrateKbps"] = "800", ["Media:PreferredVideoCodec"] = "Vp8" }))
        {
            var options = good.GetRequiredService<IOptions<MediaOptions>>().Value;
            Assert.Equal(800, options.VideoBitrateKbps);
            Assert.Equal(MediaCodec.Vp8, options.PreferredVideoCodec);
        }

        using var bad = Services(new() { ["Media:VideoBitrateKbps"] = "5", ["Media:H264Preset"] = "placebo" });
        var ex = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<MediaOptions>>().Value);
        string all = string.Join("\n", ex.Failures);
        Assert.Contains("VideoBitrateKbps", all);
        Assert.Contains("H264Preset", all);

        using var inconsistent = Services(new() { ["Media:PreferredVideoCodec"] = "Opus", ["Media:RtmpReconnectMinSeconds"] = "20", ["Media:RtmpReconnectMaxSeconds"] = "10" });
        ex = Assert.Throws<OptionsValidationException>(() => inconsistent.GetRequiredService<IOptions<MediaOptions>>().Value);
        all = string.Join("\n", ex.Failures);
        Assert.Contains("PreferredVideoCodec", all);
        Assert.Contains("RtmpReconnectMinSeconds", all);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddMedia()
            .BuildServiceProvider();
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
