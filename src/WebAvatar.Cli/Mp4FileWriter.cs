using System.Globalization;
using WebAvatar.Dsp;
using WebAvatar.Media;

namespace WebAvatar.Cli;

/// <summary>
/// Writes A/V frames to an MP4 with ffmpeg (<see cref="FfmpegRunner"/>): BGR frames are piped to an H.264 encode while
/// the audio is collected, then both are muxed (H.264 + AAC) without re-encoding the video.
/// </summary>
internal sealed class Mp4FileWriter : IAsyncDisposable
{
    private readonly FfmpegRunner _ffmpeg;
    private readonly string _output;
    private readonly string _workDir;
    private readonly string _videoPath;
    private readonly List<short> _audio = new(16000 * 10);
    private FfmpegProcess? _encoder;
    private int _width;
    private int _height;

    public Mp4FileWriter(string output, FfmpegRunner ffmpeg)
    {
        _ffmpeg = ffmpeg;
        _output = Path.GetFullPath(output);
        var dir = Path.GetDirectoryName(_output)!;
        if (!Directory.Exists(dir))
        {
            throw new CliException($"Output folder does not exist: {dir}");
        }

        _workDir = Directory.CreateTempSubdirectory("webavatar-say-").FullName;
        _videoPath = Path.Combine(_workDir, "video.mp4");
    }

    public int FramesWritten { get; private set; }

    public async Task WriteAsync(AvFrame frame, CancellationToken cancellationToken)
    {
        if (_encoder is null)
        {
            _width = frame.Video.Width;
            _height = frame.Video.Height;
            var fps = MediaTiming.VideoFps.ToString(CultureInfo.InvariantCulture);
            _encoder = Start(
                [
                    "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{_width}x{_height}", "-r", fps, "-i", "pipe:0",
                    "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-r", fps, "-g", "50", _videoPath,
                ],
                FfmpegPipes.Input);
        }

        if (frame.Video.Width != _width || frame.Video.Height != _height)
        {
            throw new InvalidOperationException($"Frame size changed from {_width}x{_height} to {frame.Video.Width}x{frame.Video.Height}.");
        }

        await _encoder.Input.WriteAsync(frame.Video.Buffer.AsMemory(0, frame.Video.Length), cancellationToken).ConfigureAwait(false);
        _audio.AddRange(frame.Audio);
        FramesWritten++;
    }

    /// <summary>Finishes the video and muxes it with the audio into the output file.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_encoder is null)
        {
            throw new InvalidOperationException("No frames were rendered.");
        }

        _encoder.Input.Close();
        await WaitAsync(_encoder, "H.264 encode", cancellationToken).ConfigureAwait(false);

        var wav = Path.Combine(_workDir, "audio.wav");
        WavFile.WriteMono16(wav, _audio.ToArray(), MediaTiming.PipelineSampleRate);
        using var mux = Start(
            [
                "-hide_banner", "-loglevel", "error", "-y", "-i", _videoPath, "-i", wav, "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
                "-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-movflags", "+faststart", _output,
            ],
            FfmpegPipes.None);
        await WaitAsync(mux, "mux", cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _encoder?.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private FfmpegProcess Start(string[] arguments, FfmpegPipes pipes)
    {
        try
        {
            return _ffmpeg.Start(arguments, pipes);
        }
        catch (FfmpegException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    private static async Task WaitAsync(FfmpegProcess process, string what, CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FfmpegException ex)
        {
            throw new CliException($"ffmpeg {what} failed (exit {ex.ExitCode}): {string.Join('\n', process.StderrTail).Trim()}");
        }
    }
}
