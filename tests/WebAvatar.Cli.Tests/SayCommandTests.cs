using System.Globalization;
using System.Text.Json;

namespace WebAvatar.Cli.Tests;

public class SayCommandTests
{
    [Fact]
    public async Task Say_writes_an_h264_25fps_mp4_whose_audio_matches_the_video()
    {
        var output = Path.Combine(Path.GetTempPath(), $"webavatar-{Guid.NewGuid():N}.mp4");
        try
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync("say", "Hello there, how are you today?", "-o", output);
            Assert.True(code == 0, stderr + stdout);
            Assert.Contains("parametric", stdout);

            var json = await CliRunner.ToolAsync("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", output);
            using var probe = JsonDocument.Parse(json);
            var streams = probe.RootElement.GetProperty("streams").EnumerateArray().ToList();
            var video = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
            var audio = streams.Single(s => s.GetProperty("codec_type").GetString() == "audio");
            Assert.Equal("h264", video.GetProperty("codec_name").GetString());
            Assert.Equal("25/1", video.GetProperty("r_frame_rate").GetString());
            Assert.Equal("aac", audio.GetProperty("codec_name").GetString());

            double videoSeconds = Seconds(video), audioSeconds = Seconds(audio);
            Assert.InRange(videoSeconds, 1.0, 6.0);
            Assert.True(Math.Abs(videoSeconds - audioSeconds) <= 0.080, $"video {videoSeconds:F3} s vs audio {audioSeconds:F3} s");

            // The spoken part is really there: the audio is not silent in the middle.
            var volume = await CliRunner.ToolAsync("ffmpeg", "-hide_banner", "-nostats", "-i", output, "-af", "volumedetect", "-vn", "-f", "null", "-", "-loglevel", "info");
            var mean = System.Text.RegularExpressions.Regex.Match(volume, @"mean_volume: (-?[\d.]+) dB");
            Assert.True(mean.Success, volume);
            Assert.True(double.Parse(mean.Groups[1].Value, CultureInfo.InvariantCulture) > -40, "audio is nearly silent: " + mean.Value);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Empty_text_is_a_clear_error()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("say", "  ", "-o", Path.Combine(Path.GetTempPath(), "never.mp4"));
        Assert.Equal(2, code);
        Assert.Contains("empty", stderr);
    }

    [Fact]
    public async Task Huge_text_is_a_clear_error()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("say", new string('x', 100_000), "-o", Path.Combine(Path.GetTempPath(), "never.mp4"));
        Assert.Equal(2, code);
        Assert.Contains("too long", stderr);
    }

    [Fact]
    public async Task Unsupported_language_is_a_clear_error()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("say", "Hello there.", "--voice", "xx-klingon", "-o", Path.Combine(Path.GetTempPath(), "never.mp4"));
        Assert.Equal(2, code);
        Assert.Contains("xx-klingon", stderr);
    }

    [Fact]
    public async Task Missing_avatar_is_a_clear_error()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("say", "Hello there.", "--avatar", "/nonexistent/face.png", "-o", Path.Combine(Path.GetTempPath(), "never.mp4"));
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/face.png", stderr);
    }

    private static double Seconds(JsonElement stream) =>
        double.Parse(stream.GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
}
