namespace WebAvatar.LipSync;

/// <summary>
/// Write-then-rename, so a killed process never leaves a half-written file that looks complete and a concurrent reader never sees
/// half a file. Each write has its own temporary name, so two writers of the same cache entry cannot trip over each other.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
