using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>
/// Small random-weight Whisper-architecture models made by tools/gen_whisper_model.py, generated once per test run
/// and shared by every test (the models are read-only).
/// </summary>
internal static class GeneratedWhisperModels
{
    private static readonly string Root = TestPaths.NewTempDirectory("webavatar-whisper-models");

    private static readonly Lazy<string> RandomDir = new(() => Generate("whisper-tiny-random"));

    // Steers decoding: German wins language detection and end-of-text follows the first token.
    private static readonly Lazy<string> SteeredDir = new(() =>
        Generate("whisper-tiny-steered", "--logit-bias", "<|endoftext|>=60", "--logit-bias", "<|de|>=60"));

    private static readonly Lazy<WhisperRecognizer> RandomRecognizer = new(() => Open(RandomDir.Value, new WhisperOptions { MaxNewTokens = 8 }));

    static GeneratedWhisperModels()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder.
            }
        };
    }

    /// <summary>Random weights: decodes meaningless tokens, usually until the length cap.</summary>
    public static string Random => RandomDir.Value;

    /// <summary>Biased so that language detection yields "de" and end-of-text comes right after the first token.</summary>
    public static string Steered => SteeredDir.Value;

    /// <summary>A shared recogniser over <see cref="Random"/> with an 8-token cap.</summary>
    public static WhisperRecognizer SharedRandomRecognizer => RandomRecognizer.Value;

    public static WhisperRecognizer Open(string directory, WhisperOptions options)
    {
        var files = WhisperModelLocator.Probe(directory, preferQuantized: false) ?? throw new InvalidOperationException("generated model incomplete: " + directory);
        return new WhisperRecognizer(WhisperOnnxModel.Load(files, options, NullLogger.Instance), options);
    }

    public static string Generate(string name, params string[] extraArgs)
    {
        var dir = Path.Combine(Root, name);
        ModelTools.Generate("gen_whisper_model.py", [dir, .. extraArgs]);

        return dir;
    }
}
