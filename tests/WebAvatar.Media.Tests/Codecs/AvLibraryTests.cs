using WebAvatar.Media.Codecs.Av;

namespace WebAvatar.Media.Tests.Codecs;

public class AvLibraryTests
{
    [Fact]
    public void Installed_ffmpeg_is_the_checked_layout()
    {
        Assert.Equal((59, 57), AvLibrary.Versions);
        AvLibrary.EnsureSupported();
    }

    [Theory]
    [InlineData(60, 58)]
    [InlineData(59, 58)]
    [InlineData(58, 56)]
    public void Other_major_versions_are_refused_with_an_actionable_message(int codec, int util)
    {
        var ex = Assert.Throws<AvException>(() => AvLibrary.EnsureSupported(codec, util));
        Assert.Contains($"libavcodec {codec} / libavutil {util}", ex.Message);
        Assert.Contains("libavcodec 59 / libavutil 57", ex.Message);
        Assert.Contains("libavcodec59", ex.Message);
    }
}
