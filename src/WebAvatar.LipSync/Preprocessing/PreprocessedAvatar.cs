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

    private PreprocessedAvatar(string folder, AvatarManifest manifest, byte[][] frames, bool decoded)
    {
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

        return new PreprocessedAvatar(folder, manifest, frames, decode);
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
