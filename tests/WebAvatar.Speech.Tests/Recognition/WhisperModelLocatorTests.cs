using Microsoft.Extensions.Options;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

public class WhisperModelLocatorTests
{
    [Fact]
    public void NoModelDisablesVoiceInputWithTheFix()
    {
        var root = TestPaths.NewTempDirectory("models-empty");
        Directory.CreateDirectory(Path.Combine(root, "whisper-tiny")); // present but incomplete

        var status = Locator(new WhisperOptions { ModelsRoot = root }).Locate();

        Assert.False(status.Available);
        Assert.Equal("voice input disabled: no Whisper model in models/whisper-*/ (run scripts/download-models.sh)", status.Message);
        Assert.Null(status.Files);
    }

    [Fact]
    public void PrefersTheConfiguredSizeAndReportsAllCandidates()
    {
        var root = TestPaths.NewTempDirectory("models");
        MakeModel(Path.Combine(root, "whisper-tiny"), quantized: false);
        MakeModel(Path.Combine(root, "whisper-base"), quantized: false);

        var status = Locator(new WhisperOptions { ModelsRoot = root, PreferredSize = "base" }).Locate();
        Assert.True(status.Available);
        Assert.Equal("base", status.Files!.Size);
        Assert.Equal(2, status.Candidates.Count);
        Assert.Contains("whisper-base", status.Message);

        var fallback = Locator(new WhisperOptions { ModelsRoot = root, PreferredSize = "small" }).Locate();
        Assert.Equal("tiny", fallback.Files!.Size); // smallest found when the preferred one is absent
    }

    [Fact]
    public void FindsQuantizedFilesInTheOnnxSubfolder()
    {
        var dir = Path.Combine(TestPaths.NewTempDirectory("models"), "whisper-small");
        MakeModel(dir, quantized: true, subfolder: "onnx");
        MakeModel(dir, quantized: false, subfolder: "onnx");

        var fp32 = WhisperModelLocator.Probe(dir, preferQuantized: false)!;
        var int8 = WhisperModelLocator.Probe(dir, preferQuantized: true)!;

        Assert.False(fp32.Quantized);
        Assert.EndsWith(Path.Combine("onnx", "encoder_model.onnx"), fp32.EncoderPath);
        Assert.True(int8.Quantized);
        Assert.EndsWith("decoder_model_merged_quantized.onnx", int8.DecoderPath);
        Assert.Equal("small", int8.Size);
    }

    [Fact]
    public void ExplicitDirectoryWithoutModelSaysWhichFolder()
    {
        var dir = TestPaths.NewTempDirectory("not-a-model");

        var status = Locator(new WhisperOptions { ModelDirectory = dir }).Locate();

        Assert.False(status.Available);
        Assert.Contains(dir, status.Message);
    }

    private static WhisperModelLocator Locator(WhisperOptions options) => new(Options.Create(options));

    private static void MakeModel(string dir, bool quantized, string subfolder = "")
    {
        var graphs = Path.Combine(dir, subfolder);
        Directory.CreateDirectory(graphs);
        var suffix = quantized ? "_quantized" : string.Empty;
        File.WriteAllText(Path.Combine(graphs, $"encoder_model{suffix}.onnx"), "x");
        File.WriteAllText(Path.Combine(graphs, $"decoder_model_merged{suffix}.onnx"), "x");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{}");
    }
}
