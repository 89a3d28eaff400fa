using System.Diagnostics;
using WebAvatar.Dsp;
using WebAvatar.Media;

namespace WebAvatar.Cli;

/// <summary>
/// Writes A/V frames to an MP4 with Debian's ffmpeg: BGR frames are piped to an H.264 encode while the
/// audio is collected, then both are muxed (H.264 + AAC) without re-encoding the video.
/// </summary>
internal sealed class Mp4FileWriter : IAsyncDisposable
{
    private readonly string _output;
    private readonly string _workDir;
    private readonly string _videoPath;
    private readonly List<short> _audio = new(16000 * 10);
    private Process? _encoder;
    private Task<string>? _encoderErrors;
    private int _width;
    private int _height;

    public Mp4FileWriter(string output)
    {
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
            (_encoder, _encoderErrors) = Start("ffmpeg", $"-hide_banner -loglevel error -y -f rawvideo -pix_fmt bgr24 -s {_width}x{_height} -r {MediaTiming.VideoFps} -i pipe:0 " +
                $"-c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -r {MediaTiming.VideoFps} -g 50 \"{_videoPath}\"", stdin: true);
        }

        if (frame.Video.Width != _width || frame.Video.Height != _height)
        {
            throw new InvalidOperationException($"Frame size changed from {_width}x{_height} to {frame.Video.Width}x{frame.Video.Height}.");
        }

        await _encoder.StandardInput.BaseStream.WriteAsync(frame.Video.Buffer.AsMemory(0, frame.Video.Length), cancellationToken).ConfigureAwait(false);
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

        _encoder.StandardInput.Close();
        await WaitAsync(_encoder, _encoderErrors!, "H.264 encode", cancellationToken).ConfigureAwait(false);

        var wav = Path.Combine(_workDir, "audio.wav");
        WavFile.WriteMono16(wav, _audio.ToArray(), MediaTiming.PipelineSampleRate);
        var (mux, errors) = Start("ffmpeg", $"-hide_banner -loglevel error -y -i \"{_videoPath}\" -i \"{wav}\" -map 0:v:0 -map 1:a:0 -c:v copy " +
            $"-c:a aac -b:a 96k -ar 48000 -movflags +faststart \"{_output}\"", stdin: false);
        using (mux)
        {
            await WaitAsync(mux, errors, "mux", cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_encoder is { HasExited: false })
        {
            _encoder.Kill(entireProcessTree: true);
            await _encoder.WaitForExitAsync().ConfigureAwait(false);
        }

        _encoder?.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (Process Process, Task<string> Errors) Start(string file, string arguments, bool stdin)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = stdin,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        try
        {
            var process = Process.Start(info) ?? throw new CliException($"Could not start {file}.");
            _ = process.StandardOutput.ReadToEndAsync();
            return (process, process.StandardError.ReadToEndAsync());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CliException($"'{file}' is not installed or not on PATH ({ex.Message}); run scripts/setup.sh.");
        }
    }

    private static async Task WaitAsync(Process process, Task<string> errors, string what, CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new CliException($"ffmpeg {what} failed (exit {process.ExitCode}): {(await errors.ConfigureAwait(false)).Trim()}");
        }
    }
}
