using System.Globalization;
using System.Text;
using WebAvatar.Media;
using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Decodes a video or an image with an ffmpeg child process into BGR frames at 25 fps, scaled to at most
/// <c>maxHeight</c> (even sizes, as H.264 needs). Frames travel as PPM, whose header carries the size, so rotated
/// phone videos need no separate probe. Blocking; one reader per decode.
/// </summary>
internal sealed class FfmpegFrameReader : IDisposable
{
    private readonly FfmpegProcess _process;
    private readonly Stream _stdout;
    private readonly string _source;

    public FfmpegFrameReader(FfmpegRunner ffmpeg, string sourcePath, int fps, int maxHeight)
    {
        _source = sourcePath;
        try
        {
            _process = ffmpeg.Start(
                [
                    "-v", "error", "-nostdin", "-i", sourcePath, "-an",
                    "-vf", $"fps={fps},scale=w=-2:h='2*trunc(min(ih,{maxHeight})/2)':flags=area",
                    "-f", "image2pipe", "-vcodec", "ppm", "-",
                ],
                FfmpegPipes.Output);
        }
        catch (FfmpegException e)
        {
            throw new AvatarException(e.Message, e);
        }

        _stdout = new BufferedStream(_process.Output, 1 << 20);
    }

    /// <summary>Total duration in seconds from ffprobe (for progress), or null when unknown.</summary>
    public static double? ProbeDurationSeconds(FfmpegRunner ffmpeg, string sourcePath, CancellationToken cancellationToken)
    {
        try
        {
            var text = ffmpeg.ProbeAsync(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", sourcePath], cancellationToken)
                .GetAwaiter().GetResult().Trim();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : null;
        }
        catch (FfmpegException)
        {
            return null; // progress is then reported against the frame limit
        }
    }

    /// <summary>Reads the next frame as a new BGR Mat (the caller disposes it), or null at the end of the stream.</summary>
    public Mat? ReadFrame()
    {
        var magic = ReadToken();
        if (magic is null)
        {
            ThrowIfFailed();
            return null;
        }

        if (magic != "P6")
        {
            throw new AvatarException($"Unexpected frame data from ffmpeg while decoding '{Path.GetFileName(_source)}'.");
        }

        if (!int.TryParse(ReadToken(), NumberStyles.None, CultureInfo.InvariantCulture, out int width) ||
            !int.TryParse(ReadToken(), NumberStyles.None, CultureInfo.InvariantCulture, out int height) ||
            ReadToken() is null || width <= 0 || height <= 0) // the third token is the maximum value, 255 for rgb24
        {
            ThrowIfFailed();
            throw new AvatarException($"ffmpeg stopped in the middle of a frame while decoding '{Path.GetFileName(_source)}'.");
        }

        var rgb = new Mat(height, width, MatType.CV_8UC3);
        var buffer = new byte[width * 3];
        try
        {
            for (int y = 0; y < height; y++)
            {
                _stdout.ReadExactly(buffer);
                System.Runtime.InteropServices.Marshal.Copy(buffer, 0, rgb.Ptr(y), buffer.Length);
            }
        }
        catch (EndOfStreamException e)
        {
            rgb.Dispose();
            ThrowIfFailed();
            throw new AvatarException($"'{Path.GetFileName(_source)}' ends in the middle of a frame.", e);
        }

        Cv2.CvtColor(rgb, rgb, ColorConversionCodes.RGB2BGR);
        return rgb;
    }

    /// <summary>A whitespace-delimited header token; the single whitespace byte after the last one is consumed too.</summary>
    private string? ReadToken()
    {
        var token = new StringBuilder();
        while (true)
        {
            int b = _stdout.ReadByte();
            if (b < 0)
            {
                return token.Length > 0 ? token.ToString() : null;
            }

            if (char.IsWhiteSpace((char)b))
            {
                if (token.Length > 0)
                {
                    return token.ToString();
                }

                continue;
            }

            token.Append((char)b);
        }
    }

    private void ThrowIfFailed()
    {
        try
        {
            _process.WaitAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (FfmpegException e)
        {
            throw new AvatarException($"ffmpeg could not decode '{Path.GetFileName(_source)}' (exit {_process.ExitCode}): {string.Join('\n', _process.StderrTail).Trim()}", e);
        }
    }

    public void Dispose() => _process.Dispose();
}
