using WebAvatar.LipSync.Parametric;

namespace WebAvatar.LipSync.Tests;

public sealed class FaceAnalysisTests(AvatarFixture avatar) : IClassFixture<AvatarFixture>
{
    [Fact]
    public void FindsTheAstronautsFaceWhereItIs()
    {
        var g = avatar.Geometry;
        Assert.Equal((512, 512), (g.ImageWidth, g.ImageHeight));

        // The portrait's face spans roughly x 175..270, y 60..190 (checked by eye on the image).
        Assert.InRange(g.Face.CenterX, 195, 250);
        Assert.InRange(g.Face.CenterY, 95, 150);
        Assert.InRange(g.Face.Width, 70, 150);

        Assert.True(g.LeftEye.X < g.RightEye.X, $"eyes out of order: {g.LeftEye} {g.RightEye}");
        Assert.True(g.Face.Contains(g.LeftEye.X, g.LeftEye.Y) && g.Face.Contains(g.RightEye.X, g.RightEye.Y), $"eyes outside the face box: {g}");
        Assert.True(g.Face.Contains(g.MouthCenterX, g.LipLineY), $"mouth outside the face box: {g}");
        Assert.InRange(g.LipLineY - g.LeftEye.Y, g.Face.Height * 0.25f, g.Face.Height * 0.6f);

        // The smile's centre is near (222, 146).
        Assert.InRange(g.MouthCenterX, 210, 235);
        Assert.InRange(g.LipLineY, 136, 156);
        Assert.InRange(g.MouthHalfWidth * 2, 25, 55);
        Assert.True(g.NoseY < g.LipLineY && g.LipLineY < g.ChinY, $"nose/lip/chin out of order: {g}");
    }

    [Fact]
    public async Task SecondLoadUsesTheCacheWithoutDetecting()
    {
        var cache = TestAssets.NewTempDirectory();
        var factory = new ParametricAvatarRendererFactory(cache, TestAssets.Faces);

        using (var first = await factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None))
        {
            Assert.False(first.Analysis.FromCache);
            Assert.True(File.Exists(Path.Combine(cache, first.Analysis.ImageSha256, "face.json")));
        }

        Assert.Equal(1, factory.DetectionCount);

        var again = new ParametricAvatarRendererFactory(cache, TestAssets.Faces);
        using var second = await again.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
        Assert.True(second.Analysis.FromCache);
        Assert.Equal(0, again.DetectionCount);
        Assert.Equal(avatar.Geometry, second.Analysis.Geometry);
    }

    [Fact]
    public void DetectedGeometryIsPlausible() => Assert.True(avatar.Geometry.IsPlausible(), avatar.Geometry.ToString());

    [Fact]
    public async Task ImplausibleCacheEntryIsReanalysed()
    {
        var cache = TestAssets.NewTempDirectory();
        var factory = new ParametricAvatarRendererFactory(cache, TestAssets.Faces);
        string path;
        using (var first = await factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None))
        {
            path = Path.Combine(cache, first.Analysis.ImageSha256, "face.json");
        }

        var json = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(path, System.Text.RegularExpressions.Regex.Replace(json, "\"MouthHalfWidth\": [0-9.]+", "\"MouthHalfWidth\": 0"));
        using var second = await factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
        Assert.False(second.Analysis.FromCache);
        Assert.True(second.Analysis.Geometry.MouthHalfWidth > 5);
    }

    [Fact]
    public async Task CorruptCacheEntryIsReanalysed()
    {
        var cache = TestAssets.NewTempDirectory();
        var factory = new ParametricAvatarRendererFactory(cache, TestAssets.Faces);
        string sha;
        using (var first = await factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None))
        {
            sha = first.Analysis.ImageSha256;
        }

        await File.WriteAllTextAsync(Path.Combine(cache, sha, "face.json"), "{ not json");
        using var second = await factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
        Assert.False(second.Analysis.FromCache);
        Assert.Equal(2, factory.DetectionCount);
    }
}
