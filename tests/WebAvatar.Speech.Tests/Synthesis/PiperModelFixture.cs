using System.Diagnostics;

namespace WebAvatar.Speech.Tests.Synthesis;

/// <summary>Generates tiny Piper-signature voices with tools/gen_piper_model.py into a temporary folder.</summary>
public sealed class PiperModelFixture : IDisposable
{
    public const string Voice = "tiny-en";
    public const string NanVoice = "broken-nan";
    public const string MultiSpeakerVoice = "tiny-multi";

    public PiperModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "webavatar-piper-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Generate(Voice);
        Generate(NanVoice, "--nan");
        Generate(MultiSpeakerVoice, "--speakers", "3");
    }

    public string Directory { get; }

    public void Generate(string name, params string[] extra)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tools", "gen_piper_model.py"));
        start.ArgumentList.Add(Path.Combine(Directory, name + ".onnx"));
        foreach (var arg in extra)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("gen_piper_model.py failed (needs Debian python3-onnx, python3-numpy): " + error);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
