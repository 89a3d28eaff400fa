using System.Text.Json;

namespace WebAvatar.Speech.Recognition;

/// <summary>The parts of a model's <c>generation_config.json</c> that greedy decoding honours.</summary>
/// <param name="IsMultilingual">False for English-only (*.en) models, whose prompt has no language or task token.</param>
public sealed record WhisperGenerationConfig(IReadOnlyList<int> SuppressTokens, IReadOnlyList<int> BeginSuppressTokens, int? MaxLength, bool IsMultilingual = true)
{
    public static WhisperGenerationConfig Empty { get; } = new([], [], null);

    /// <summary>Reads <c>generation_config.json</c> from the folder; returns <see cref="Empty"/> when it is absent.</summary>
    public static WhisperGenerationConfig Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "generation_config.json");
        if (!File.Exists(path))
        {
            return Empty;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            return new WhisperGenerationConfig(
                ReadIds(root, "suppress_tokens"),
                ReadIds(root, "begin_suppress_tokens"),
                root.TryGetProperty("max_length", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetInt32() : null,
                !root.TryGetProperty("is_multilingual", out var multilingual) || multilingual.ValueKind != JsonValueKind.False);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is malformed: {ex.Message}", ex);
        }
    }

    private static int[] ReadIds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(e => e.GetInt32()).ToArray()
            : [];
}
