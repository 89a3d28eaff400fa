using OpenCvSharp;
using WebAvatar.Media;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Turns a rendered avatar picture and its (moved) matte into the frame the stream carries: colour and opacity side by side
/// (<see cref="AvatarBackgroundMode.Remove"/>) or the avatar over a replacement colour or image (<see cref="AvatarBackgroundMode.Replace"/>).
/// Only the part of the picture that moves is recomputed per frame; the rest of the frame is made once. Owns its buffers;
/// not thread-safe (one render loop).
/// </summary>
internal sealed class BackgroundCompositor : IDisposable
{
    private readonly AvatarBackgroundMode _mode;
    private readonly Mat? _replacement;
    private readonly int _width;
    private readonly int _height;
    private readonly byte[] _base;

    /// <param name="picture">The still picture (continuous BGR) the renderer animates.</param>
    /// <param name="matte">Its opacity (continuous 8-bit, one channel, same size).</param>
    /// <param name="replacement">For <see cref="AvatarBackgroundMode.Replace"/>: what shows behind, BGR of the picture's size (copied).</param>
    public BackgroundCompositor(AvatarBackgroundMode mode, Mat picture, Mat matte, Mat? replacement)
    {
        if (mode == AvatarBackgroundMode.Keep)
        {
            throw new ArgumentException("A kept background needs no compositing.", nameof(mode));
        }

        if (mode == AvatarBackgroundMode.Replace && replacement is null)
        {
            throw new ArgumentNullException(nameof(replacement), "Replacing the background needs the replacement picture.");
        }

        _mode = mode;
        _width = picture.Width;
        _height = picture.Height;
        _replacement = replacement?.Clone();
        Layout = mode == AvatarBackgroundMode.Remove ? VideoLayout.ColorAlphaSideBySide : VideoLayout.Opaque;
        FrameWidth = mode == AvatarBackgroundMode.Remove ? _width * 2 : _width;
        _base = new byte[FrameWidth * _height * 3];
        Compose(picture, matte, new Rect(0, 0, _width, _height), _base);
    }

    public VideoLayout Layout { get; }

    public int FrameWidth { get; }

    /// <summary>
    /// Fills <paramref name="frame"/> (<see cref="FrameWidth"/> x height) from <paramref name="picture"/> and <paramref name="matte"/>,
    /// which differ from the still ones only inside <paramref name="changed"/>.
    /// </summary>
    public void Render(Mat picture, Mat matte, Rect changed, VideoFrame frame)
    {
        _base.AsSpan().CopyTo(frame.Pixels);
        Compose(picture, matte, changed, frame.Buffer);
        frame.Layout = Layout;
    }

    private unsafe void Compose(Mat picture, Mat matte, Rect area, byte[] output)
    {
        int pixels = _width * _height;
        var colour = new ReadOnlySpan<byte>((void*)picture.Data, pixels * 3);
        var alpha = new ReadOnlySpan<byte>((void*)matte.Data, pixels);
        var behind = _replacement is null ? default : new ReadOnlySpan<byte>((void*)_replacement.Data, pixels * 3);
        Compose(_mode, colour, alpha, behind, _width, area, output);
    }

    /// <summary>
    /// Writes the pixels of <paramref name="area"/> of a <paramref name="width"/>-wide picture (BGR <paramref name="colour"/>, one
    /// opacity per pixel) into <paramref name="output"/>: colour premultiplied beside its opacity for
    /// <see cref="AvatarBackgroundMode.Remove"/> (output twice as wide), or over <paramref name="behind"/> (BGR, same size) for
    /// <see cref="AvatarBackgroundMode.Replace"/>.
    /// </summary>
    public static void Compose(
        AvatarBackgroundMode mode, ReadOnlySpan<byte> colour, ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> behind, int width, Rect area, Span<byte> output)
    {
        bool remove = mode == AvatarBackgroundMode.Remove;
        int frameStride = (remove ? width * 2 : width) * 3;
        for (int y = area.Y; y < area.Bottom; y++)
        {
            for (int x = area.X; x < area.Right; x++)
            {
                int p = (y * width) + x;
                int a = alpha[p];
                int source = 3 * p;
                int target = (y * frameStride) + (3 * x);
                if (remove)
                {
                    output[target] = (byte)(((colour[source] * a) + 127) / 255);
                    output[target + 1] = (byte)(((colour[source + 1] * a) + 127) / 255);
                    output[target + 2] = (byte)(((colour[source + 2] * a) + 127) / 255);
                    int opacity = target + (3 * width);
                    output[opacity] = output[opacity + 1] = output[opacity + 2] = (byte)a;
                }
                else
                {
                    int rest = 255 - a;
                    output[target] = (byte)(((colour[source] * a) + (behind[source] * rest) + 127) / 255);
                    output[target + 1] = (byte)(((colour[source + 1] * a) + (behind[source + 1] * rest) + 127) / 255);
                    output[target + 2] = (byte)(((colour[source + 2] * a) + (behind[source + 2] * rest) + 127) / 255);
                }
            }
        }
    }

    /// <summary>A replacement picture of <paramref name="width"/> x <paramref name="height"/>: the colour, or the image scaled to cover and centred.</summary>
    public static Mat Backdrop(AvatarBackground background, int width, int height)
    {
        if (background.Color is not null)
        {
            if (!AvatarBackground.TryParseColor(background.Color, out var c))
            {
                throw new AvatarException($"'{background.Color}' is not a colour: use #rrggbb.");
            }

            return new Mat(height, width, MatType.CV_8UC3, new Scalar(c.B, c.G, c.R));
        }

        using var image = Cv2.ImRead(background.ImagePath ?? string.Empty, ImreadModes.Color);
        if (image.Empty())
        {
            throw new AvatarException($"The background image {background.ImagePath} cannot be read.");
        }

        double scale = Math.Max(width / (double)image.Width, height / (double)image.Height);
        using var scaled = new Mat();
        Cv2.Resize(image, scaled, new Size(Math.Max(width, (int)Math.Ceiling(image.Width * scale)), Math.Max(height, (int)Math.Ceiling(image.Height * scale))), 0, 0, InterpolationFlags.Area);
        using var centre = new Mat(scaled, new Rect((scaled.Width - width) / 2, (scaled.Height - height) / 2, width, height));
        return centre.Clone();
    }

    public void Dispose() => _replacement?.Dispose();
}
