using System.Diagnostics;

namespace WebAvatar.Testing;

/// <summary>
/// Runs the tools that make test data: the repository's model generators (tools/*.py on Debian's python3 with numpy and
/// onnx) and command-line tools such as ffmpeg. Blocks until the tool exits; a failure throws with the tool's stderr.
/// </summary>
public static class ModelTools
{
    /// <summary>Runs tools/<paramref name="script"/> with <paramref name="args"/>.</summary>
    public static void Generate(string script, params string[] args) =>
        Run("/usr/bin/python3", [Path.Combine(RepoPaths.Root, "tools", script), .. args]);

    public static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var what = program.EndsWith("python3", StringComparison.Ordinal) && args.Length > 0 ? Path.GetFileName(args[0]) : Path.GetFileName(program);
            throw new InvalidOperationException($"{what} failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
