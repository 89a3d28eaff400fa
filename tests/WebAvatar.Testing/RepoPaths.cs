namespace WebAvatar.Testing;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string Artifacts(string sub)
    {
        var dir = Path.Combine(Root, "artifacts", sub);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WebAvatar.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WebAvatar.sln not found above " + AppContext.BaseDirectory);
    }
}
