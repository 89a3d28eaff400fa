namespace WebAvatar.Media;

/// <summary>ffmpeg or ffprobe could not be started (<see cref="ExitCode"/> null), or exited with an error; the message says which and why.</summary>
public sealed class FfmpegException(string message, int? exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int? ExitCode { get; } = exitCode;
}
