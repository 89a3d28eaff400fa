using WebAvatar.LipSync.Faces;

namespace WebAvatar.LipSync.Tests;

/// <summary>Paths of the repository's assets as the tests see them.</summary>
internal static class TestAssets
{
    public static string RepoRoot => RepoPaths.Root;

    /// <summary>The default avatar, fetched by scripts/setup.sh; fails (not skips) when it is missing.</summary>
    public static string DefaultAvatar
    {
        get
        {
            var path = Path.Combine(RepoRoot, "wwwroot-assets", "avatars", "default", "avatar.png");
            Assert.True(File.Exists(path), $"Default avatar missing at {path}: run `SKIP_RESTORE=1 ./scripts/setup.sh` in the repository root first.");
            return path;
        }
    }

    public static string ArtifactsDirectory
    {
        get
        {
            var path = Path.Combine(RepoRoot, "artifacts", "lipsync");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>The Haar detector the app uses by default, shared like the app's singleton (it is thread-safe).</summary>
    public static IFaceDetector Faces { get; } = new HaarFaceDetector();

    /// <summary>A fresh, empty folder under the system temp directory.</summary>
    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "webavatar-lipsync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
