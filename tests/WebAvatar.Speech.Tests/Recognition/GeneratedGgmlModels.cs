using System.Diagnostics;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>
/// Random-weight whisper-tiny models in whisper.cpp's ggml format, made by tools/gen_whisper_ggml.py once per test run
/// (~1 s) and shared by every test (the files and the loaded engine are read-only).
/// </summary>
internal static class GeneratedGgmlModels
{
    private static readonly string Root = TestPaths.NewTempDirectory("webavatar-ggml-models");

    private static readonly Lazy<string> RandomFile = new(() => Generate("ggml-tiny-random.bin"));

    private static readonly Lazy<WhisperNetEngine> RandomEngine = new(() => OpenEngine(RandomFile.Value, new WhisperOptions { MaxNewTokens = 8 }));

    static GeneratedGgmlModels()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (RandomEngine.IsValueCreated)
            {
                RandomEngine.Value.Dispose();
            }

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

    /// <summary>The random-weight tiny model (seed 0).</summary>
    public static string Random => RandomFile.Value;

    /// <summary>A Whisper.net engine over <see cref="Random"/> (8-token cap), loaded once.</summary>
    public static WhisperNetEngine SharedEngine => RandomEngine.Value;

    public static WhisperNetEngine OpenEngine(string path, WhisperOptions options)
    {
        options.GgmlModelPath = path;
        var wrapped = Options.Create(options);
        return new WhisperNetEngine(wrapped, new WhisperGgmlModelLocator(wrapped));
    }

    /// <summary>Writes a model named <paramref name="name"/> (extra arguments such as <c>--corrupt magic</c>); returns its path.</summary>
    public static string Generate(string name, params string[] extraArgs)
    {
        var path = Path.Combine(Root, name);
        ModelTools.Generate("gen_whisper_ggml.py", [path, .. extraArgs]);

        return path;
    }
}
