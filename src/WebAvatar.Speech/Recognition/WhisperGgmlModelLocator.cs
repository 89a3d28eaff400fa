using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Finds a whisper.cpp ggml model for Whisper.net: <see cref="WhisperOptions.GgmlModelPath"/> when set, otherwise
/// <c>{ModelsRoot}/ggml-*.bin</c>, preferring <see cref="WhisperOptions.PreferredSize"/>, else the smallest size.
/// Returns the path or null; says nothing about whether the file loads.
/// </summary>
public sealed class WhisperGgmlModelLocator(IOptions<WhisperOptions> options)
{
    private static readonly string[] SizeOrder = ["tiny", "base", "small", "medium", "large"];

    /// <summary>The configured or found model file, or null when there is none.</summary>
    public string? Locate()
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.GgmlModelPath))
        {
            var path = AppPaths.Resolve(o.GgmlModelPath);
            return File.Exists(path) ? path : null;
        }

        var root = AppPaths.Resolve(o.ModelsRoot);
        if (!Directory.Exists(root))
        {
            return null;
        }

        var found = Directory.GetFiles(root, "ggml-*.bin").Order(StringComparer.Ordinal).ToList();
        return found.FirstOrDefault(f => SizeOf(f) == o.PreferredSize?.ToLowerInvariant())
            ?? found.OrderBy(f => Array.IndexOf(SizeOrder, SizeOf(f)) is var i and >= 0 ? i : int.MaxValue).FirstOrDefault();
    }

    /// <summary>Where the configured file is expected, for "not found" messages.</summary>
    public string Expected()
    {
        var o = options.Value;
        return string.IsNullOrWhiteSpace(o.GgmlModelPath)
            ? Path.Combine(o.ModelsRoot, "ggml-*.bin")
            : o.GgmlModelPath;
    }

    private static string SizeOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        return SizeOrder.FirstOrDefault(name.Contains) ?? name;
    }
}
