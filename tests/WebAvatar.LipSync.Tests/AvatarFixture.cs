using WebAvatar.LipSync.Parametric;

namespace WebAvatar.LipSync.Tests;

/// <summary>One analysed default avatar shared by the rendering tests (analysis runs once per test run).</summary>
public sealed class AvatarFixture : IDisposable
{
    public AvatarFixture()
    {
        CacheDirectory = TestAssets.NewTempDirectory();
        Factory = new ParametricAvatarRendererFactory(CacheDirectory, TestAssets.Faces);
        using var renderer = Factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None).GetAwaiter().GetResult();
        Geometry = renderer.Analysis.Geometry;
    }

    public string CacheDirectory { get; }

    internal ParametricAvatarRendererFactory Factory { get; }

    public FaceGeometry Geometry { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(CacheDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the rest of the temp folder.
        }
    }

    public Task<ParametricAvatarRenderer> CreateRendererAsync() => Factory.CreateParametricAsync(TestAssets.DefaultAvatar, CancellationToken.None);
}
