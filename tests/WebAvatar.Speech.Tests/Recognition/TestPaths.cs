namespace WebAvatar.Speech.Tests.Recognition;

internal static class TestPaths
{
    public static string RepoRoot => RepoPaths.Root;

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Recognition", "fixtures", name);

    public static string NewTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
