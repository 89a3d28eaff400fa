using OpenCvSharp;
using WebAvatar.LipSync.Parametric;

namespace WebAvatar.LipSync.Tests;

public sealed class AvatarErrorTests
{
    private readonly ParametricAvatarRendererFactory _factory = new(TestAssets.NewTempDirectory(), TestAssets.Faces);

    [Fact]
    public async Task MissingFileSaysSo()
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "nobody.png");
        var error = await Assert.ThrowsAsync<AvatarException>(() => _factory.CreateAsync(path, CancellationToken.None));
        Assert.Equal($"Avatar file not found: {path}", error.Message);
    }

    [Fact]
    public async Task FileThatIsNotAnImageSaysWhy()
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "notes.png");
        await File.WriteAllTextAsync(path, "this is text, not a picture");
        var error = await Assert.ThrowsAsync<AvatarException>(() => _factory.CreateAsync(path, CancellationToken.None));
        Assert.Contains("not a readable image", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public async Task EmptyFileSaysSo()
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "empty.jpg");
        await File.WriteAllBytesAsync(path, []);
        var error = await Assert.ThrowsAsync<AvatarException>(() => _factory.CreateAsync(path, CancellationToken.None));
        Assert.Contains("is empty", error.Message);
    }

    [Fact]
    public async Task ImageWithoutAFaceAsksForAFrontalPortrait()
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "landscape.png");
        using (var image = new Mat(300, 400, MatType.CV_8UC3, new Scalar(90, 160, 60)))
        {
            Cv2.Rectangle(image, new Rect(50, 200, 300, 60), new Scalar(40, 80, 140), -1);
            Cv2.Circle(image, new Point(320, 70), 35, new Scalar(80, 230, 250), -1);
            Cv2.ImWrite(path, image);
        }

        var error = await Assert.ThrowsAsync<AvatarException>(() => _factory.CreateAsync(path, CancellationToken.None));
        Assert.StartsWith($"No face found in {path}: use a frontal portrait", error.Message);
    }

    [Fact]
    public async Task LargeImagesAreScaledToTheWorkingSize()
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), "big.png");
        using (var portrait = Cv2.ImRead(TestAssets.DefaultAvatar))
        using (var big = new Mat())
        {
            Cv2.Resize(portrait, big, new Size(1024, 1024), 0, 0, InterpolationFlags.Cubic);
            Cv2.ImWrite(path, big);
        }

        using var renderer = await _factory.CreateParametricAsync(path, CancellationToken.None);
        Assert.Equal((AvatarImage.MaxWorkingSide, AvatarImage.MaxWorkingSide), (renderer.Width, renderer.Height));

        // Same face, found at the scaled position (the 512 px portrait's smile is near (224, 149)).
        var g = renderer.Analysis.Geometry;
        Assert.True(g.EyesDetected);
        Assert.InRange(g.MouthCenterX, 224 * 720f / 512 - 12, 224 * 720f / 512 + 12);
        Assert.InRange(g.LipLineY, 149 * 720f / 512 - 10, 149 * 720f / 512 + 10);
        using var frame = renderer.RenderIdle(0);
        Assert.Equal((720, 720), (frame.Width, frame.Height));
    }
}
