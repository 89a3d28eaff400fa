namespace WebAvatar.Speech.Tests.Recognition;

internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WebAvatar.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WebAvatar.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Recognition", "fixtures", name);

    public static string NewTempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
