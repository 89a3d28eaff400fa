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
        // Needs Debian python3-onnx and python3-numpy (scripts/setup.sh installs them).
        ModelTools.Generate("gen_piper_model.py", [Path.Combine(Directory, name + ".onnx"), .. extra]);
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
