using OpenCvSharp;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Faces;

/// <summary>
/// YuNet (face_detection_yunet_2023mar.onnx, MIT) through OpenCV's FaceDetectorYN: more robust than Haar to pose and
/// light. Each result row is [x, y, w, h, 5 landmarks x 2, score]. Detections are serialised (one network, made for
/// the frame size of the last call).
/// </summary>
public sealed class YuNetFaceDetector(string modelPath) : IFaceDetector, IDisposable
{
    private const float ScoreThreshold = 0.7f;
    private const float NmsThreshold = 0.3f;
    private const int MaxFaces = 50;

    private readonly Lock _gate = new();
    private FaceDetectorYN? _detector;
    private Size _inputSize;

    public string Name => "yunet";

    public bool IsAvailable => File.Exists(modelPath);

    /// <summary>YuNet's boxes reach the chin already.</summary>
    public double ChinBelowBox => 0;

    public IReadOnlyList<FaceBox> DetectFaces(Mat bgrFrame)
    {
        using var faces = new Mat();
        lock (_gate)
        {
            // This binding has no setInputSize: the detector is made for the frame size (constant within a video).
            if (_detector is null || bgrFrame.Size() != _inputSize)
            {
                if (!IsAvailable)
                {
                    throw new AvatarException($"YuNet model '{modelPath}' is missing.");
                }

                _detector?.Dispose();
                _inputSize = bgrFrame.Size();
                _detector = FaceDetectorYN.Create(modelPath, string.Empty, _inputSize, ScoreThreshold, NmsThreshold, MaxFaces);
            }

            _detector.Detect(bgrFrame, faces);
        }

        int rows = faces.Rows;
        var boxes = new List<FaceBox>(rows);
        for (int row = 0; row < rows; row++)
        {
            float x = faces.At<float>(row, 0), y = faces.At<float>(row, 1);
            float w = faces.At<float>(row, 2), h = faces.At<float>(row, 3);
            var box = new FaceBox(
                Math.Max(0, (int)MathF.Round(x)),
                Math.Max(0, (int)MathF.Round(y)),
                Math.Min(bgrFrame.Width, (int)MathF.Round(x + w)),
                Math.Min(bgrFrame.Height, (int)MathF.Round(y + h)));
            if (box.Width > 0 && box.Height > 0)
            {
                boxes.Add(box);
            }
        }

        return boxes.OrderByDescending(b => b.Area).ToArray();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _detector?.Dispose();
            _detector = null;
        }
    }
}
