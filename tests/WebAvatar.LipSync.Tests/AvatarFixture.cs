using WebAvatar.LipSync.Parametric;

namespace WebAvatar.LipSync.Tests;

/// <summary>One analysed default avatar shared by the rendering tests (analysis runs once per test run).</summary>
public sealed class AvatarFixture
{
    public AvatarFixture()
    {
        CacheDirectory = TestAssets.NewTempDirectory();
        Factory = new ParametricAvatarRendererFactory(CacheDirectory);
        using var renderer = Factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None).GetAwaiter().GetResult();
        Geometry = renderer.Analysis.Geometry;
    }

    public string CacheDirectory { get; }

    internal ParametricAvatarRendererFactory Factory { get; }

    public FaceGeometry Geometry { get; }

    public Task<ParametricAvatarRenderer> CreateRendererAsync() => Factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
}
