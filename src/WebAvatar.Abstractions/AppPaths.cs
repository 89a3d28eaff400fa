namespace WebAvatar;

/// <summary>
/// Resolves the relative paths in appsettings.json (models/, wwwroot-assets/...) against the install
/// root, so the app and the CLI find the same files whether started from the repo, a build folder or
/// a service unit. Root: $WEBAVATAR_ROOT, else the nearest ancestor of the executable holding
/// WebAvatar.sln or a models/ folder next to appsettings.json, else the current directory.
/// </summary>
public static class AppPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string ContentRoot => Root.Value;

    public static string Resolve(string path) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(ContentRoot, path));

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("WEBAVATAR_ROOT");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return Path.GetFullPath(env);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "WebAvatar.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
