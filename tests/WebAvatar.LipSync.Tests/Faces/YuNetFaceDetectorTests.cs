using OpenCvSharp;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Tests.Faces;

/// <summary>
/// YuNet through OpenCV's FaceDetectorYN on a generated model with YuNet's signature and known outputs
/// (tools/gen_yunet_model.py): the boxes below follow from the anchors listed there, decoded at strides 8, 16 and 32,
/// filtered by score, reduced by NMS, clamped to the frame and ordered by size.
/// </summary>
public sealed class YuNetFaceDetectorTests
{
    /// <summary>A 320 x 240 frame is padded to 320 x 256, the generated model's input.</summary>
    private const int Width = 320, Height = 240;

    internal static readonly Lazy<string> Model = new(() =>
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "yunet_signature.onnx");
        ModelTools.Generate("gen_yunet_model.py", "--width", "320", "--height", "256", "-o", path);
        return path;
    });

    [Fact]
    public void Decodes_the_models_anchors_into_exact_boxes_largest_first()
    {
        using var detector = new YuNetFaceDetector(Model.Value);
        using var white = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(255));

        var faces = detector.DetectFaces(white);

        Assert.Equal(
            [
                new FaceBox(184, 32, 264, 128), // stride 16; its overlapping neighbour (score 0.8) is removed by NMS
                new FaceBox(76, 52, 124, 116),  // stride 8
                new FaceBox(272, 208, 320, 240), // stride 32, 336 x 272 clamped to the frame; the 0.5-score anchor is dropped
            ],
            faces);
        Assert.Equal(new FaceBox(184, 32, 264, 128), detector.DetectLargestFace(white));
    }

    [Fact]
    public void A_frame_the_model_scores_zero_has_no_face()
    {
        using var detector = new YuNetFaceDetector(Model.Value);
        using var black = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(0));
        Assert.Empty(detector.DetectFaces(black));
        Assert.Null(detector.DetectLargestFace(black));
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_answers()
    {
        using var detector = new YuNetFaceDetector(Model.Value);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using var frame = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(i % 2 == 0 ? 255 : 0));
            return (i, faces: detector.DetectFaces(frame));
        })));
        Assert.All(results, r => Assert.Equal(r.i % 2 == 0 ? 3 : 0, r.faces.Count));
    }

    [Fact]
    public void A_missing_model_says_so_when_used()
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "absent.onnx");
        using var detector = new YuNetFaceDetector(path);
        Assert.False(detector.IsAvailable);
        using var frame = new Mat(Height, Width, MatType.CV_8UC3, Scalar.All(255));
        var error = Assert.Throws<AvatarException>(() => detector.DetectFaces(frame));
        Assert.Contains(path, error.Message);
    }
}
