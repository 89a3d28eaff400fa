using System.Text.Json;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Stores <see cref="FaceGeometry"/> as <c>&lt;cache&gt;/&lt;sha256&gt;/face.json</c>. A damaged or stale
/// entry is treated as a miss (and overwritten), never as an error.
/// </summary>
internal sealed class FaceAnalysisCache(string cacheDirectory)
{
    /// <summary>Bump when the analysis changes meaning, so old entries are recomputed rather than misread.</summary>
    internal const int FormatVersion = 4;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string PathFor(string sha256) => Path.Combine(cacheDirectory, sha256, "face.json");

    public FaceGeometry? TryLoad(string sha256, int imageWidth, int imageHeight)
    {
        var path = PathFor(sha256);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var entry = JsonSerializer.Deserialize<CacheEntry>(File.ReadAllText(path), Json);
            var geometry = entry?.Geometry;
            return entry?.Version == FormatVersion && geometry is not null && geometry.ImageWidth == imageWidth && geometry.ImageHeight == imageHeight && geometry.IsPlausible()
                ? geometry
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the entry atomically (temp file + rename) so a concurrent reader never sees half a file.</summary>
    public void Save(string sha256, FaceGeometry geometry)
    {
        var path = PathFor(sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new CacheEntry(FormatVersion, geometry), Json));
    }

    private sealed record CacheEntry(int Version, FaceGeometry Geometry);
}
