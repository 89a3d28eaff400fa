using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// A preprocessed avatar in memory: its 25 fps base frames (packed BGR24) and the padded, smoothed face box of each.
/// Immutable, so renderers of many sessions can share one instance.
/// </summary>
public sealed class PreprocessedAvatar
{
    private readonly byte[][] _frames;

    private PreprocessedAvatar(string folder, AvatarManifest manifest, byte[][] frames)
    {
        Folder = folder;
        Manifest = manifest;
        _frames = frames;
    }

    public string Folder { get; }

    public AvatarManifest Manifest { get; }

    public int Width => Manifest.Width;

    public int Height => Manifest.Height;

    public int FrameCount => _frames.Length;

    public IReadOnlyList<FaceBox> Boxes => Manifest.Boxes;

    /// <summary>Packed BGR24 pixels of base frame <paramref name="index"/>; read-only by contract.</summary>
    public ReadOnlySpan<byte> Frame(int index) => _frames[index];

    /// <summary>The base frame played at session slot <paramref name="slot"/> (ping-pong loop).</summary>
    public int FrameForSlot(long slot) => AvatarTimeline.BaseFrameFor(slot, FrameCount);

    internal static PreprocessedAvatar Load(string folder, AvatarManifest manifest, CancellationToken cancellationToken)
    {
        var frames = new byte[manifest.FrameCount][];
        for (int i = 0; i < frames.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = FramePath(folder, i);
            using var image = Cv2.ImRead(path, ImreadModes.Color);
            if (image.Empty() || image.Width != manifest.Width || image.Height != manifest.Height)
            {
                throw new AvatarException($"Preprocessed avatar frame '{path}' is missing or damaged; delete '{folder}' to rebuild it.");
            }

            frames[i] = new byte[manifest.Width * manifest.Height * 3];
            image.GetArray(out Vec3b[] pixels);
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).CopyTo(frames[i]);
        }

        return new PreprocessedAvatar(folder, manifest, frames);
    }

    internal static string FramePath(string folder, int index) => Path.Combine(folder, "frames", $"{index:D6}.jpg");
}
