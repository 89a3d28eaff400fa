namespace WebAvatar.Web.Tests.Live;

/// <summary>
/// The Chromium browser processes started below this test process (by its Playwright drivers), read from /proc, so a test
/// can kill one the way a crash would: no unload, no goodbye to the server.
/// </summary>
internal static class BrowserProcesses
{
    /// <summary>Main browser processes only: renderers, zygotes and utility processes carry a --type switch.</summary>
    public static IReadOnlySet<int> Mine()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && ParentOf(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }

        return parents.Keys.Where(pid => IsChromiumBrowser(pid) && DescendsFromMe(pid, parents)).ToHashSet();
    }

    private static bool DescendsFromMe(int pid, Dictionary<int, int> parents)
    {
        int me = Environment.ProcessId;
        for (int hops = 0; hops < 64 && parents.TryGetValue(pid, out int parent); hops++)
        {
            if (parent == me)
            {
                return true;
            }

            pid = parent;
        }

        return false;
    }

    private static bool IsChromiumBrowser(int pid)
    {
        var args = Read($"/proc/{pid}/cmdline")?.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        return args is { Length: > 0 }
            && Path.GetFileName(args[0]) == "chromium"
            && !args.Any(a => a.StartsWith("--type=", StringComparison.Ordinal));
    }

    private static int? ParentOf(int pid)
    {
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so parse after the last ')'.
        var stat = Read($"/proc/{pid}/stat");
        var fields = stat?[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 1 } && int.TryParse(fields[1], out int parent) ? parent : null;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended meanwhile
        }
    }
}
