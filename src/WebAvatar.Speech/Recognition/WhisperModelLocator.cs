using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Recognition;

/// <summary>The files of one Whisper model folder.</summary>
public sealed record WhisperModelFiles(string Directory, string Size, string EncoderPath, string DecoderPath, bool Quantized)
{
    public string Describe() => $"whisper-{Size}{(Quantized ? " (int8)" : string.Empty)} in {Directory}";
}

/// <summary>What <see cref="WhisperModelLocator"/> found, for the health page.</summary>
public sealed record WhisperModelStatus(bool Available, string Message, WhisperModelFiles? Files, IReadOnlyList<string> Candidates);

/// <summary>
/// Finds a Whisper model: <see cref="WhisperOptions.ModelDirectory"/> when set, otherwise <c>{ModelsRoot}/whisper-*/</c>
/// (tiny, base, small; fp32 <c>encoder_model.onnx</c> or int8 <c>encoder_model_quantized.onnx</c>).
/// </summary>
public sealed class WhisperModelLocator(IOptions<WhisperOptions> options)
{
    public const string DisabledMessage = "voice input disabled: no Whisper model in models/whisper-*/ (run scripts/download-models.sh)";

    private static readonly string[] SizeOrder = ["tiny", "base", "small", "medium", "large"];

    public WhisperModelStatus Locate()
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.ModelDirectory))
        {
            var files = Probe(AppPaths.Resolve(o.ModelDirectory), o.PreferQuantized);
            return files is null
                ? new WhisperModelStatus(false, $"voice input disabled: Whisper:ModelDirectory {o.ModelDirectory} has no encoder_model*.onnx + decoder_model_merged*.onnx + tokenizer (run scripts/download-models.sh)", null, [])
                : new WhisperModelStatus(true, $"voice input: {files.Describe()}", files, [files.Directory]);
        }

        var root = AppPaths.Resolve(o.ModelsRoot);
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root, "whisper-*").Select(d => Probe(d, o.PreferQuantized)).OfType<WhisperModelFiles>().ToList()
            : [];
        if (found.Count == 0)
        {
            return new WhisperModelStatus(false, DisabledMessage, null, []);
        }

        var chosen = found.FirstOrDefault(f => string.Equals(f.Size, o.PreferredSize, StringComparison.OrdinalIgnoreCase))
            ?? found.OrderBy(f => SizeRank(f.Size)).First();
        return new WhisperModelStatus(true, $"voice input: {chosen.Describe()}", chosen, found.Select(f => f.Describe()).ToList());
    }

    /// <summary>The model files in <paramref name="directory"/>, or null when it is not a complete Whisper folder.</summary>
    public static WhisperModelFiles? Probe(string directory, bool preferQuantized)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var hasTokenizer = File.Exists(Path.Combine(directory, "vocab.json")) || File.Exists(Path.Combine(directory, "tokenizer.json"));
        string[] suffixes = preferQuantized ? ["_quantized", string.Empty] : [string.Empty, "_quantized"];
        foreach (var suffix in suffixes)
        {
            var encoder = FindFile(directory, $"encoder_model{suffix}.onnx");
            var decoder = FindFile(directory, $"decoder_model_merged{suffix}.onnx");
            if (encoder is not null && decoder is not null && hasTokenizer)
            {
                return new WhisperModelFiles(directory, SizeOf(directory), encoder, decoder, suffix.Length > 0);
            }
        }

        return null;
    }

    private static string? FindFile(string directory, string name)
    {
        // onnx-community repositories keep the graphs under onnx/; a flat copy is accepted too.
        foreach (var candidate in new[] { Path.Combine(directory, name), Path.Combine(directory, "onnx", name) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string SizeOf(string directory)
    {
        var name = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar)).ToLowerInvariant();
        return SizeOrder.FirstOrDefault(name.Contains) ?? (name.StartsWith("whisper-", StringComparison.Ordinal) ? name["whisper-".Length..] : name);
    }

    private static int SizeRank(string size)
    {
        var i = Array.IndexOf(SizeOrder, size);
        return i < 0 ? int.MaxValue : i;
    }
}
