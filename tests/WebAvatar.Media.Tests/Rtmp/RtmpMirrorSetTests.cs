using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Rtmp;
using WebAvatar.Media.Session;
using WebAvatar.Media.Tests.Support;

namespace WebAvatar.Media.Tests.Rtmp;

public class RtmpMirrorSetTests
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
    [InlineData("ffmpeg: rtmp://h:1935/live/sec-ret: Connection refused", "ffmpeg: rtmp://h:1935/live/****: Connection refused")]
    [InlineData("failed (RTMPS://h/app/k?x=1), retrying; also 'rtmp://h/live/k2'.", "failed (RTMPS://h/app/****), retrying; also 'rtmp://h/live/****'.")]
    [InlineData("no url here", "no url here")]
    public void Urls_in_messages_are_masked(string message, string masked) => Assert.Equal(masked, RtmpTarget.MaskAll(message));

    [Fact]
    public void A_status_describes_itself_in_one_line()
    {
        var streaming = new RtmpMirrorStatus("m1", "s1", "rtmp://h/live/****", RtmpMirrorState.Streaming, 812.4, 250, 3, TimeSpan.FromSeconds(75), null, 0);
        Assert.Equal("812 kbit/s, 250 frames sent, 3 dropped, up 00:01:15", streaming.Describe());
        var retrying = streaming with { State = RtmpMirrorState.Reconnecting, LastError = "ffmpeg: Connection refused", ReconnectCount = 2 };
        Assert.Equal("Reconnecting (attempt 2): ffmpeg: Connection refused", retrying.Describe());
        Assert.Equal("Connecting to the RTMP server", (streaming with { State = RtmpMirrorState.Connecting }).Describe());
        Assert.Equal("Stopped: The session ended.", (streaming with { State = RtmpMirrorState.Stopped, LastError = "The session ended." }).Describe());
        Assert.Equal("Stopped", (streaming with { State = RtmpMirrorState.Stopped }).Describe());
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
    public async Task Set_starts_lists_and_stops_mirrors_and_reports_an_unreachable_server()
    {
        await using var provider = Services(new() { ["Media:RtmpReconnectMinSeconds"] = "0.5", ["Media:RtmpReconnectMaxSeconds"] = "1" });
        var factory = provider.GetRequiredService<SessionMediaEncoderFactory>();
        using var encoder = factory.Create("s1");
        var mirrors = factory.CreateMirrors(encoder);
        Assert.Throws<ArgumentException>(() => mirrors.Start("http://nope"));
        await using var pacer = new PatternPlayback(encoder, 160, 120);

        string url = $"rtmp://127.0.0.1:{TestServers.FreePort()}/live/key";
        var first = mirrors.Start(url);
        Assert.Equal(first.Id, mirrors.Start(url).Id); // idempotent per target
        Assert.Equal("s1", first.SessionId);
        Assert.EndsWith("/live/****", first.TargetUrl);

        await RtmpMirrorStreamingTests.WaitForAsync(
            () => mirrors.List().Single() is { State: RtmpMirrorState.Reconnecting, ReconnectCount: >= 2, LastError: not null },
            TimeSpan.FromSeconds(20),
            () => mirrors.List().Single().ToString());
        var status = mirrors.List().Single();
        Assert.Contains("ffmpeg", status.LastError);
        Assert.DoesNotContain("/live/key", status.LastError); // stream keys stay out of statuses
        Assert.Equal(0, status.SentFrames);

        Assert.Equal(1, await mirrors.StopAsync(url, CancellationToken.None));
        Assert.Empty(mirrors.List());
        Assert.Equal(0, await mirrors.StopAsync(null, CancellationToken.None));

        mirrors.Start(url);
        await mirrors.DisposeAsync();
        Assert.Empty(mirrors.List());
        Assert.Throws<ObjectDisposedException>(() => mirrors.Start(url)); // the session has ended
    }

    [Fact]
    public async Task Mirror_stops_by_itself_when_the_session_ends()
    {
        var encoder = new SessionMediaEncoder("ending");
        await using var mirror = new RtmpMirror(encoder, $"rtmp://127.0.0.1:{TestServers.FreePort()}/live/k");
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
}
