using System.Text.Json;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// manifest.json of a preprocessed avatar folder; written last, so its presence means the folder is complete.
/// Folder layout: manifest.json, frames/NNNNNN.jpg (25 fps), crops/NNNNNN.jpg (each frame's face box resized to
/// <see cref="CropSize"/> square, the model input size being unknown here), masks/WxH.png (8-bit blend mask per distinct
/// box size), chunks/NNNNNN.json (raw detections, for resuming).
/// </summary>
public sealed class AvatarManifest
{
    public const int CurrentVersion = 2;
    public const string FileName = "manifest.json";

    public int Version { get; set; } = CurrentVersion;

    /// <summary>SHA-256 of the source file, hex.</summary>
    public string SourceHash { get; set; } = "";

    public string SourceName { get; set; } = "";

    /// <summary>The preprocessing settings the folder was made with (a change invalidates it).</summary>
    public string Settings { get; set; } = "";

    public int FrameCount { get; set; }

    public int Fps { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public string Detector { get; set; } = "";

    /// <summary>Frames where no face was found (they use the nearest detected box).</summary>
    public int FramesWithoutFace { get; set; }

    /// <summary>Padded and smoothed face box of every frame.</summary>
    public FaceBox[] Boxes { get; set; } = [];

    /// <summary>Side of the square face crops.</summary>
    public int CropSize { get; set; }

    /// <summary>Face crop of every frame, relative to the folder.</summary>
    public string[] Crops { get; set; } = [];

    /// <summary>Blend mask of every distinct box size.</summary>
    public MaskFile[] Masks { get; set; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static AvatarManifest? TryRead(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<AvatarManifest>(File.ReadAllText(path), Json);
            return manifest is { Version: CurrentVersion } && manifest.Boxes.Length == manifest.FrameCount && manifest.Crops.Length == manifest.FrameCount ? manifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));
}

/// <summary>A stored blend mask: a Width x Height grayscale PNG, relative to the avatar folder.</summary>
public sealed record MaskFile(int Width, int Height, string File);

/// <summary>Raw detections of one chunk of frames (null = no face); its file marks the chunk as done.</summary>
internal sealed class DetectionChunk
{
    public int FirstFrame { get; set; }

    public FaceBox?[] Boxes { get; set; } = [];

    public static string PathFor(string folder, int chunkIndex) => Path.Combine(folder, "chunks", $"{chunkIndex:D6}.json");

    public static DetectionChunk? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<DetectionChunk>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this));
}
