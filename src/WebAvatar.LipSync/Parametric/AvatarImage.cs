using System.Security.Cryptography;
using OpenCvSharp;

namespace WebAvatar.LipSync.Parametric;

/// <summary>An avatar portrait decoded into a BGR working image no larger than <see cref="MaxWorkingSide"/>.</summary>
internal sealed class AvatarImage : IDisposable
{
    /// <summary>Longer inputs are scaled down: rendering cost grows with area and 720 px is enough for the stream.</summary>
    public const int MaxWorkingSide = 720;

    private AvatarImage(string path, Mat bgr, string sha256)
    {
        Path = path;
        Bgr = bgr;
        Sha256 = sha256;
    }

    public string Path { get; }

    /// <summary>Continuous 8-bit BGR pixels of the working image.</summary>
    public Mat Bgr { get; }

    /// <summary>Lower-case hex SHA-256 of the file bytes; keys the analysis cache.</summary>
    public string Sha256 { get; }

    public int Width => Bgr.Width;

    public int Height => Bgr.Height;

    /// <summary>Reads and decodes the file; throws <see cref="AvatarException"/> for a missing or undecodable file.</summary>
    public static async Task<AvatarImage> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new AvatarException($"Avatar file not found: {path}");
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AvatarException($"Avatar file {path} cannot be read: {ex.Message}", ex);
        }

        if (bytes.Length == 0)
        {
            throw new AvatarException($"Avatar file {path} is empty: use a PNG or JPEG portrait.");
        }

        Mat decoded;
        try
        {
            decoded = Cv2.ImDecode(bytes, ImreadModes.Color);
        }
        catch (OpenCVException ex)
        {
            throw new AvatarException($"Avatar file {path} is not a readable image ({ex.Message}): use a PNG or JPEG portrait.", ex);
        }

        if (decoded.Empty())
        {
            decoded.Dispose();
            throw new AvatarException($"Avatar file {path} is not a readable image (unknown format or corrupt data): use a PNG or JPEG portrait.");
        }

        var working = ScaleToWorkingSize(decoded);
        return new AvatarImage(path, working, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private static Mat ScaleToWorkingSize(Mat decoded)
    {
        int longSide = Math.Max(decoded.Width, decoded.Height);
        if (longSide <= MaxWorkingSide)
        {
            return decoded;
        }

        double scale = MaxWorkingSide / (double)longSide;
        var size = new Size(Math.Max(1, (int)Math.Round(decoded.Width * scale)), Math.Max(1, (int)Math.Round(decoded.Height * scale)));
        var resized = new Mat();
        Cv2.Resize(decoded, resized, size, 0, 0, InterpolationFlags.Area);
        decoded.Dispose();
        return resized;
    }

    public void Dispose() => Bgr.Dispose();
}
