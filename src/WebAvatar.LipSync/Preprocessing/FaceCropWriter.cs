using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Stores what the renderer needs per frame besides the frame itself: the face crop (box resized to a fixed square, from
/// which any model input size is a cheap downscale) and the blend mask of each distinct box size. Runs once the boxes are
/// final (after smoothing), reading back the cached frames.
/// </summary>
internal static class FaceCropWriter
{
    public const int CropSize = 256;

    public static string CropPath(int index) => Path.Combine("crops", $"{index:D6}.jpg");

    public static string MaskPath(int width, int height) => Path.Combine("masks", $"{width}x{height}.png");

    public static (string[] Crops, MaskFile[] Masks) Write(string folder, IReadOnlyList<FaceBox> boxes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(folder, "crops"));
        Directory.CreateDirectory(Path.Combine(folder, "masks"));
        var crops = new string[boxes.Count];
        for (int i = 0; i < boxes.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var box = boxes[i];
            using var frame = Cv2.ImRead(PreprocessedAvatar.FramePath(folder, i), ImreadModes.Color);
            if (frame.Empty())
            {
                throw new AvatarException($"Preprocessed avatar frame {i} in '{folder}' could not be read back to crop its face.");
            }

            using var roi = new Mat(frame, new Rect(box.X1, box.Y1, box.Width, box.Height));
            using var crop = new Mat();
            Cv2.Resize(roi, crop, new Size(CropSize, CropSize), 0, 0, box.Width >= CropSize ? InterpolationFlags.Area : InterpolationFlags.Cubic);
            crops[i] = CropPath(i);
            Cv2.ImWrite(Path.Combine(folder, crops[i]), crop, new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        }

        var masks = new List<MaskFile>();
        foreach (var (width, height) in boxes.Select(b => (b.Width, b.Height)).Distinct())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = MaskPath(width, height);
            using var mask = Mat.FromPixelData(height, width, MatType.CV_8UC1, BlendMask.ToBytes(BlendMask.Compute(width, height)));
            Cv2.ImWrite(Path.Combine(folder, file), mask);
            masks.Add(new MaskFile(width, height, file));
        }

        return (crops, [.. masks]);
    }
}
