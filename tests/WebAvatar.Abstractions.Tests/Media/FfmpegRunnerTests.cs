using System.Diagnostics;
using WebAvatar.Media;

namespace WebAvatar.Abstractions.Tests.Media;

public sealed class FfmpegRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("webavatar-ffmpeg-").FullName;

    [Fact]
    public async Task A_missing_executable_names_the_option_that_sets_it()
    {
        var runner = new FfmpegRunner(new FfmpegOptions { FfmpegPath = "/nonexistent/bin/ffmpeg" });
        var error = await Assert.ThrowsAsync<FfmpegException>(() => runner.RunAsync(["-version"], CancellationToken.None));
        Assert.Null(error.ExitCode);
        Assert.Contains("'/nonexistent/bin/ffmpeg'", error.Message);
        Assert.Contains("Media:FfmpegPath", error.Message);

        var probe = await Assert.ThrowsAsync<FfmpegException>(() => runner.ProbeAsync(["-version"], CancellationToken.None));
        Assert.Contains("'/nonexistent/bin/ffprobe'", probe.Message);
        Assert.Contains("Media:FfprobePath", probe.Message);
    }

    [Theory]
    [InlineData("ffmpeg", "", "ffprobe")]
    [InlineData("/opt/ff/bin/ffmpeg", "", "/opt/ff/bin/ffprobe")]
    [InlineData("/opt/ff/bin/ffmpeg", "/usr/bin/ffprobe", "/usr/bin/ffprobe")]
    public void Ffprobe_sits_beside_ffmpeg_unless_set(string ffmpeg, string ffprobe, string expected) =>
        Assert.Equal(expected, new FfmpegRunner(new FfmpegOptions { FfmpegPath = ffmpeg, FfprobePath = ffprobe }).FfprobePath);

    [Fact]
    public async Task A_real_run_writes_its_output_and_ffprobe_reads_it()
    {
        var runner = new FfmpegRunner();
        var png = Path.Combine(_folder, "frame with spaces.png");
        await runner.RunAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=1", "-frames:v", "1", png], CancellationToken.None);

        var size = await runner.ProbeAsync(["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", png], CancellationToken.None);
        Assert.Equal("64,48", size.Trim());
    }

    [Fact]
    public async Task A_failed_run_reports_the_exit_code_and_ffmpegs_own_error()
    {
        var runner = new FfmpegRunner();
        var missing = Path.Combine(_folder, "nothing-here.mp4");
        var error = await Assert.ThrowsAsync<FfmpegException>(() => runner.RunAsync(["-v", "error", "-i", missing, "-f", "null", "-"], CancellationToken.None));
        Assert.NotNull(error.ExitCode);
        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains("No such file or directory", error.Message);
    }

    [Fact]
    public async Task Pipes_carry_data_both_ways()
    {
        using var process = new FfmpegRunner().Start(
            ["-v", "error", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "4x2", "-i", "pipe:0", "-vf", "hflip", "-f", "rawvideo", "pipe:1"],
            FfmpegPipes.Input | FfmpegPipes.Output);
        await process.Input.WriteAsync(new byte[] { 0, 10, 20, 30, 40, 50, 60, 255 });
        process.Input.Close();
        var output = new MemoryStream();
        await process.Output.CopyToAsync(output);
        await process.WaitAsync(CancellationToken.None);
        Assert.Equal(new byte[] { 30, 20, 10, 0, 255, 60, 50, 40 }, output.ToArray());
    }

    [Fact]
    public async Task Cancelling_a_wait_kills_ffmpeg()
    {
        using var process = new FfmpegRunner().Start(["-v", "error", "-re", "-f", "lavfi", "-i", "testsrc=rate=25", "-f", "null", "-"]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => process.WaitAsync(cancel.Token));
        await process.Exited.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(process.HasExited);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
