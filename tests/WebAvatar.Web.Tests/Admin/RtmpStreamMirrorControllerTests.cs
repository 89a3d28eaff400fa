using WebAvatar.Testing.Doubles;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Tests.Admin;

public sealed class RtmpStreamMirrorControllerTests
{

    [Theory]
    [InlineData("rtmp://live.example.com/app", "abc123", "rtmp://live.example.com/app/abc123")]
    [InlineData("rtmp://live.example.com/app/", "k y", "rtmp://live.example.com/app/k%20y")]
    [InlineData("rtmp://127.0.0.1/live/stream", "", "rtmp://127.0.0.1/live/stream")]
    public void Publish_url_appends_the_escaped_key(string url, string key, string expected) =>
        Assert.Equal(expected, RtmpStreamMirrorController.PublishUrl(url, key));

    [Fact]
    public async Task Starting_a_mirror_of_an_unknown_session_fails_without_echoing_the_key()
    {
        await using var registry = SessionRegistryFactory.Create();
        var controller = new RtmpStreamMirrorController(registry);
        Assert.True(controller.IsAvailable);
        var status = await controller.StartAsync("nosuchsession", "rtmp://127.0.0.1/live", "very-secret-key", 3, CancellationToken.None);
        Assert.Equal(MirrorState.Failed, status.State);
        Assert.DoesNotContain("very-secret-key", status.Detail);
        Assert.Equal(MirrorState.Stopped, controller.GetStatus("nosuchsession").State);
    }
}
