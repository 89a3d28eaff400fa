using System.Text.Json;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>The parts of a Piper voice's .onnx.json that inference needs.</summary>
public sealed record PiperVoiceConfig(
    int SampleRate,
    string EspeakVoice,
    string? LanguageCode,
    float NoiseScale,
    float LengthScale,
    float NoiseW,
    IReadOnlyDictionary<string, long[]> PhonemeIdMap,
    int NumSpeakers,
    IReadOnlyDictionary<string, int> SpeakerIdMap)
{
    /// <summary>Reads and checks a config; throws <see cref="InvalidDataException"/> naming the file and the missing field.</summary>
    public static PiperVoiceConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Piper voice config '{path}' not found: every <voice>.onnx needs its <voice>.onnx.json beside it.", path);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return Parse(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Piper voice config '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static PiperVoiceConfig Parse(JsonElement root, string path)
    {
        JsonElement Require(JsonElement parent, string name, string where) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value)
                ? value
                : throw new InvalidDataException($"Piper voice config '{path}' has no '{where}{name}'.");

        string phonemeType = root.TryGetProperty("phoneme_type", out var type) ? type.GetString() ?? "espeak" : "espeak";
        if (phonemeType != "espeak")
        {
            throw new InvalidDataException($"Piper voice '{path}' uses phoneme_type '{phonemeType}'; only espeak voices are supported.");
        }

        var audio = Require(root, "audio", string.Empty);
        int sampleRate = Require(audio, "sample_rate", "audio.").GetInt32();
        string espeakVoice = Require(Require(root, "espeak", string.Empty), "voice", "espeak.").GetString() ?? "en-us";
        var inference = root.TryGetProperty("inference", out var inf) ? inf : default;
        float Scale(string name, float fallback) =>
            inference.ValueKind == JsonValueKind.Object && inference.TryGetProperty(name, out var v) ? v.GetSingle() : fallback;

        var idMap = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var entry in Require(root, "phoneme_id_map", string.Empty).EnumerateObject())
        {
            idMap[entry.Name] = entry.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray();
        }

        foreach (var required in new[] { PiperPhonemeEncoder.Pad, PiperPhonemeEncoder.Bos, PiperPhonemeEncoder.Eos })
        {
            if (!idMap.ContainsKey(required))
            {
                throw new InvalidDataException($"Piper voice config '{path}' phoneme_id_map lacks '{required}'.");
            }
        }

        var speakers = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("speaker_id_map", out var speakerMap) && speakerMap.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in speakerMap.EnumerateObject())
            {
                speakers[entry.Name] = entry.Value.GetInt32();
            }
        }

        string? language = root.TryGetProperty("language", out var lang) && lang.TryGetProperty("code", out var code) ? code.GetString() : null;
        int numSpeakers = root.TryGetProperty("num_speakers", out var n) ? n.GetInt32() : 1;
        return new PiperVoiceConfig(
            sampleRate, espeakVoice, language, Scale("noise_scale", 0.667f), Scale("length_scale", 1f), Scale("noise_w", 0.8f), idMap, Math.Max(1, numSpeakers), speakers);
    }
}
