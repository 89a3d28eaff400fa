namespace WebAvatar.Media;

/// <summary>
/// The one way the app runs ffmpeg and ffprobe: the executables named by <see cref="FfmpegOptions"/>, arguments passed as
/// a list (never a command line to split), stderr's last lines kept for errors. Thread-safe; each call starts its own process.
/// </summary>
public sealed class FfmpegRunner
{
    public FfmpegRunner(FfmpegOptions options)
    {
        FfmpegPath = ResolveExecutable(options.FfmpegPath);
        FfprobePath = string.IsNullOrEmpty(options.FfprobePath) ? ProbeBeside(FfmpegPath) : ResolveExecutable(options.FfprobePath);
    }

    /// <summary>ffmpeg and ffprobe from PATH (the default options).</summary>
    public FfmpegRunner()
        : this(new FfmpegOptions())
    {
    }

    public string FfmpegPath { get; }

    public string FfprobePath { get; }

    /// <summary>Starts ffmpeg; <paramref name="onStderrLine"/> sees every stderr line (on a pool thread) besides the kept tail.</summary>
    public FfmpegProcess Start(IEnumerable<string> arguments, FfmpegPipes pipes = FfmpegPipes.None, Action<string>? onStderrLine = null) =>
        FfmpegProcess.Start(FfmpegPath, FfmpegOptions.FfmpegPathKey, arguments, pipes, onStderrLine);

    /// <summary>Runs ffmpeg to the end; throws <see cref="FfmpegException"/> (with stderr's last lines) when it fails.</summary>
    public async Task RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Start(arguments);
        await process.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs ffprobe to the end and returns what it printed on stdout.</summary>
    public async Task<string> ProbeAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = FfmpegProcess.Start(FfprobePath, FfmpegOptions.FfprobePathKey, arguments, FfmpegPipes.Output, null);
        var output = await new StreamReader(process.Output).ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitAsync(cancellationToken).ConfigureAwait(false);
        return output;
    }

    /// <summary>A bare name is looked up on PATH by the OS; a relative path is taken from the install root like every other path.</summary>
    private static string ResolveExecutable(string path) =>
        path.Contains('/') || path.Contains(Path.DirectorySeparatorChar) ? AppPaths.Resolve(path) : path;

    private static string ProbeBeside(string ffmpegPath)
    {
        var folder = Path.GetDirectoryName(ffmpegPath);
        return string.IsNullOrEmpty(folder) ? "ffprobe" : Path.Combine(folder, "ffprobe" + Path.GetExtension(ffmpegPath));
    }
}

/// <summary>Which of ffmpeg's standard streams the caller reads or writes; the others are drained or closed.</summary>
[Flags]
public enum FfmpegPipes
{
    None = 0,
    Input = 1,
    Output = 2,
}
