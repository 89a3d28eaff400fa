using OpenCvSharp;

namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// YuNet (face_detection_yunet_2023mar.onnx, MIT) through OpenCV's FaceDetectorYN: more robust than Haar to pose and light.
/// Each result row is [x, y, w, h, 5 landmarks x 2, score].
/// </summary>
public sealed class YuNetFaceDetector : IFaceDetector
{
    private const float ScoreThreshold = 0.7f;
    private readonly string _modelPath;
    private FaceDetectorYN? _detector;
    private Size _inputSize;

    public YuNetFaceDetector(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new AvatarException($"YuNet model '{modelPath}' is missing.");
        }

        _modelPath = modelPath;
    }

    public string Name => "yunet";

    public FaceBox? Detect(Mat bgrFrame)
    {
        // This binding has no setInputSize: the detector is made for the frame size (constant within a video).
        if (_detector is null || bgrFrame.Size() != _inputSize)
        {
            _detector?.Dispose();
            _inputSize = bgrFrame.Size();
            _detector = FaceDetectorYN.Create(_modelPath, string.Empty, _inputSize, ScoreThreshold, 0.3f, 50);
        }

        using var faces = new Mat();
        _detector.Detect(bgrFrame, faces);
        FaceBox? best = null;
        int rows = faces.Rows;
        for (int row = 0; row < rows; row++)
        {
            int x = (int)faces.At<float>(row, 0), y = (int)faces.At<float>(row, 1);
            int w = (int)faces.At<float>(row, 2), h = (int)faces.At<float>(row, 3);
            var box = new FaceBox(Math.Max(0, x), Math.Max(0, y), Math.Min(bgrFrame.Width, x + w), Math.Min(bgrFrame.Height, y + h));
            if (box.Width > 0 && box.Height > 0 && (best is null || box.Area > best.Value.Area))
            {
                best = box;
            }
        }

        return best;
    }

    public void Dispose() => _detector?.Dispose();
}
