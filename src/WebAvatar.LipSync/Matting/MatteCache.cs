using System.Text.Json;
using OpenCvSharp;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// Stores an <see cref="AlphaMatte"/> as <c>&lt;cache&gt;/&lt;sha256&gt;/matte.png</c> (8-bit grey, lossless) with
/// <c>matte.json</c> beside it saying how it was made. The JSON is written last, so an entry without it is incomplete; a damaged,
/// stale or differently-sized entry is a miss (and is overwritten), never an error.
/// </summary>
internal sealed class MatteCache(string cacheDirectory)
{
    /// <summary>Bump when mattes change meaning, so old entries are recomputed rather than misread.</summary>
    internal const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string PathFor(string sha256) => Path.Combine(cacheDirectory, sha256, "matte.png");

    private string InfoPathFor(string sha256) => Path.Combine(cacheDirectory, sha256, "matte.json");

    /// <summary>
    /// The cached matte, when there is one for a picture of this size. <paramref name="segmenter"/> is the engine that would
    /// segment now: a segmented entry made by another engine is a miss (installing a model improves old avatars), a chroma-keyed one is not.
    /// </summary>
    public AlphaMatte? TryLoad(string sha256, int width, int height, string segmenter)
    {
        var info = InfoPathFor(sha256);
        var png = PathFor(sha256);
        if (!File.Exists(info) || !File.Exists(png))
        {
            return null;
        }

        try
        {
            var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(info), Json);
            if (entry is null || entry.Version != FormatVersion || entry.Width != width || entry.Height != height
                || (entry.Screen is null && entry.Method != segmenter))
            {
                return null;
            }

            using var grey = Cv2.ImDecode(File.ReadAllBytes(png), ImreadModes.Grayscale);
            if (grey.Empty() || grey.Width != width || grey.Height != height || !grey.IsContinuous())
            {
                return null;
            }

            var alpha = new byte[width * height];
            System.Runtime.InteropServices.Marshal.Copy(grey.Data, alpha, 0, alpha.Length);
            return new AlphaMatte(width, height, alpha, entry.Method, entry.Screen);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or OpenCVException)
        {
            return null;
        }
    }

    /// <summary>Writes both files atomically (temp file + rename), the PNG first, so a concurrent reader never sees half an entry.</summary>
    public void Save(string sha256, AlphaMatte matte)
    {
        var png = PathFor(sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        using (var grey = Mat.FromPixelData(matte.Height, matte.Width, MatType.CV_8UC1, matte.Alpha))
        {
            AtomicFile.WriteAllBytes(png, grey.ImEncode(".png"));
        }

        var entry = new Entry(FormatVersion, matte.Method, matte.Screen, matte.Width, matte.Height);
        AtomicFile.WriteAllBytes(InfoPathFor(sha256), JsonSerializer.SerializeToUtf8Bytes(entry, Json));
    }

    private sealed record Entry(int Version, string Method, ScreenColor? Screen, int Width, int Height);
}
