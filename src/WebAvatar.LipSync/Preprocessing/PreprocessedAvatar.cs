using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// A preprocessed avatar in memory: its 25 fps base frames and the padded, smoothed face box of each. Frames are kept
/// decoded (packed BGR24) while they fit the configured memory budget, otherwise as their JPEG bytes decoded on use
/// (a few ms per frame), so a long HD video cannot take gigabytes. Immutable and thread-safe: sessions share one instance.
/// </summary>
public sealed class PreprocessedAvatar
{
    private readonly byte[][] _frames;

    private PreprocessedAvatar(string folder, AvatarManifest manifest, byte[][] frames, bool decoded, Dictionary<(int Width, int Height), byte[]> masks)
    {
        Masks = masks;
        Folder = folder;
        Manifest = manifest;
        _frames = frames;
        FramesDecoded = decoded;
    }

    public string Folder { get; }

    public AvatarManifest Manifest { get; }

    public int Width => Manifest.Width;

    public int Height => Manifest.Height;

    public int FrameCount => _frames.Length;

    /// <summary>True when frames are held as raw pixels; false when they are decoded from JPEG on every use.</summary>
    public bool FramesDecoded { get; }

    public IReadOnlyList<FaceBox> Boxes => Manifest.Boxes;

    /// <summary>The stored 8-bit blend mask (row-major, <see cref="BlendMask"/>) of every box size in <see cref="Boxes"/>.</summary>
    public IReadOnlyDictionary<(int Width, int Height), byte[]> Masks { get; }

    /// <summary>
    /// Reads the stored face crops resized to <paramref name="size"/> square (packed BGR24), one per frame. Throws
    /// <see cref="AvatarException"/> when a crop file is missing or damaged.
    /// </summary>
    public byte[][] LoadCrops(int size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var crops = new byte[FrameCount][];
        for (int i = 0; i < crops.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(Folder, Manifest.Crops[i]);
            using var stored = Cv2.ImRead(path, ImreadModes.Color);
            if (stored.Empty())
            {
                throw new AvatarException($"Preprocessed face crop '{path}' is missing or damaged; delete '{Folder}' to rebuild it.");
            }

            crops[i] = new byte[size * size * 3];
            using var target = Mat.FromPixelData(size, size, MatType.CV_8UC3, crops[i]);
            Cv2.Resize(stored, target, new Size(size, size), 0, 0, size <= stored.Width ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        }

        return crops;
    }

    /// <summary>Writes base frame <paramref name="index"/> as packed BGR24 into <paramref name="destination"/> (at least Width x Height x 3 bytes).</summary>
    public void CopyFrame(int index, Span<byte> destination)
    {
        if (FramesDecoded)
        {
            _frames[index].CopyTo(destination);
            return;
        }

        using var image = Cv2.ImDecode(_frames[index], ImreadModes.Color);
        CopyPixels(image, destination);
    }

    /// <summary>The base frame played at session slot <paramref name="slot"/> (ping-pong loop).</summary>
    public int FrameForSlot(long slot) => AvatarTimeline.BaseFrameFor(slot, FrameCount);

    internal static PreprocessedAvatar Load(string folder, AvatarManifest manifest, long decodedBudgetBytes, CancellationToken cancellationToken)
    {
        bool decode = (long)manifest.FrameCount * manifest.Width * manifest.Height * 3 <= decodedBudgetBytes;
        var frames = new byte[manifest.FrameCount][];
        for (int i = 0; i < frames.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = FramePath(folder, i);
            var bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
            using var image = bytes.Length > 0 ? Cv2.ImDecode(bytes, ImreadModes.Color) : new Mat();
            if (image.Empty() || image.Width != manifest.Width || image.Height != manifest.Height)
            {
                throw new AvatarException($"Preprocessed avatar frame '{path}' is missing or damaged; delete '{folder}' to rebuild it.");
            }

            if (decode)
            {
                frames[i] = new byte[manifest.Width * manifest.Height * 3];
                CopyPixels(image, frames[i]);
            }
            else
            {
                frames[i] = bytes;
            }
        }

        foreach (var crop in manifest.Crops)
        {
            if (!File.Exists(Path.Combine(folder, crop)))
            {
                throw new AvatarException($"Preprocessed face crop '{crop}' is missing in '{folder}'; delete the folder to rebuild it.");
            }
        }

        return new PreprocessedAvatar(folder, manifest, frames, decode, LoadMasks(folder, manifest));
    }

    private static Dictionary<(int Width, int Height), byte[]> LoadMasks(string folder, AvatarManifest manifest)
    {
        var masks = new Dictionary<(int Width, int Height), byte[]>();
        foreach (var entry in manifest.Masks)
        {
            var path = Path.Combine(folder, entry.File);
            using var image = File.Exists(path) ? Cv2.ImRead(path, ImreadModes.Grayscale) : new Mat();
            if (image.Empty() || image.Width != entry.Width || image.Height != entry.Height)
            {
                throw new AvatarException($"Preprocessed blend mask '{path}' is missing or damaged; delete '{folder}' to rebuild it.");
            }

            var bytes = new byte[entry.Width * entry.Height];
            System.Runtime.InteropServices.Marshal.Copy(image.Data, bytes, 0, bytes.Length); // ImRead results are continuous
            masks[(entry.Width, entry.Height)] = bytes;
        }

        foreach (var box in manifest.Boxes)
        {
            if (!masks.ContainsKey((box.Width, box.Height)))
            {
                throw new AvatarException($"Preprocessed avatar '{folder}' has no blend mask for box size {box.Width}x{box.Height}; delete the folder to rebuild it.");
            }
        }

        return masks;
    }

    internal static string FramePath(string folder, int index) => Path.Combine(folder, "frames", $"{index:D6}.jpg");

    private static void CopyPixels(Mat image, Span<byte> destination)
    {
        int rowBytes = image.Width * 3, height = image.Height;
        unsafe
        {
            for (int y = 0; y < height; y++)
            {
                new ReadOnlySpan<byte>((void*)image.Ptr(y), rowBytes).CopyTo(destination.Slice(y * rowBytes, rowBytes));
            }
        }
    }
}
