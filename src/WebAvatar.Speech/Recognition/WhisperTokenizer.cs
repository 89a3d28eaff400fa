using System.Buffers;
using System.Text;
using System.Text.Json;

namespace WebAvatar.Speech.Recognition;

/// <summary>
/// Decoder half of Whisper's byte-level BPE tokenizer: ids to text. Reads <c>vocab.json</c> (or the vocabulary
/// inside <c>tokenizer.json</c>) and the added/special tokens from <c>tokenizer.json</c> and <c>added_tokens.json</c>.
/// Immutable and thread-safe after loading.
/// </summary>
public sealed class WhisperTokenizer
{
    private static readonly Dictionary<char, byte> ByteOfChar = BuildByteDecoder();

    private readonly string?[] _tokens;
    private readonly bool[] _special;
    private readonly Dictionary<string, int> _ids;

    private WhisperTokenizer(Dictionary<string, int> ids, HashSet<int> special)
    {
        _ids = ids;
        var size = ids.Count == 0 ? 0 : ids.Values.Max() + 1;
        _tokens = new string?[size];
        _special = new bool[size];
        foreach (var (token, id) in ids)
        {
            _tokens[id] = token;
        }

        foreach (var id in special)
        {
            _special[id] = true;
        }

        EndOfText = Require("<|endoftext|>");
        StartOfTranscript = Require("<|startoftranscript|>");
        Transcribe = Require("<|transcribe|>");
        Translate = Require("<|translate|>");
        NoTimestamps = Require("<|notimestamps|>");
        var languages = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var id = StartOfTranscript + 1; id < Translate && id < size; id++)
        {
            var token = _tokens[id];
            if (token is { Length: > 4 } && token.StartsWith("<|", StringComparison.Ordinal) && token.EndsWith("|>", StringComparison.Ordinal))
            {
                languages[token[2..^2]] = id;
            }
        }

        Languages = languages;
    }

    /// <summary>Highest id + 1.</summary>
    public int VocabularySize => _tokens.Length;

    public int EndOfText { get; }

    public int StartOfTranscript { get; }

    public int Transcribe { get; }

    public int Translate { get; }

    public int NoTimestamps { get; }

    /// <summary>Language code ("en") to its token id, in the model's order (between start-of-transcript and translate).</summary>
    public IReadOnlyDictionary<string, int> Languages { get; }

    public static WhisperTokenizer Load(string modelDirectory)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<int>();
        var vocabPath = Path.Combine(modelDirectory, "vocab.json");
        var tokenizerPath = Path.Combine(modelDirectory, "tokenizer.json");
        var addedPath = Path.Combine(modelDirectory, "added_tokens.json");
        try
        {
            if (File.Exists(vocabPath))
            {
                ReadTokenMap(JsonDocument.Parse(File.ReadAllBytes(vocabPath)).RootElement, ids);
            }

            if (File.Exists(tokenizerPath))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(tokenizerPath));
                if (ids.Count == 0 && doc.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("vocab", out var vocab))
                {
                    ReadTokenMap(vocab, ids);
                }

                if (doc.RootElement.TryGetProperty("added_tokens", out var added))
                {
                    foreach (var token in added.EnumerateArray())
                    {
                        var id = token.GetProperty("id").GetInt32();
                        ids[token.GetProperty("content").GetString()!] = id;
                        if (!token.TryGetProperty("special", out var isSpecial) || isSpecial.GetBoolean())
                        {
                            special.Add(id);
                        }
                    }
                }
            }

            if (File.Exists(addedPath))
            {
                var added = new Dictionary<string, int>(StringComparer.Ordinal);
                ReadTokenMap(JsonDocument.Parse(File.ReadAllBytes(addedPath)).RootElement, added);
                foreach (var (token, id) in added)
                {
                    ids[token] = id;
                    special.Add(id);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"Whisper tokenizer files in {modelDirectory} are malformed: {ex.Message}", ex);
        }

        if (ids.Count == 0)
        {
            throw new FileNotFoundException($"No Whisper tokenizer in {modelDirectory}: expected vocab.json or tokenizer.json.");
        }

        if (ids.Values.Any(id => id < 0 || id > 10_000_000))
        {
            throw new InvalidDataException($"Whisper tokenizer in {modelDirectory} has token ids out of range.");
        }

        return new WhisperTokenizer(ids, special);
    }

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    /// <summary>True for added/special tokens (start-of-transcript, languages, timestamps, end-of-text...).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_special.Length && _special[id];

    /// <summary>Turns ids into text; special tokens are dropped unless <paramref name="includeSpecial"/>. Unknown ids are skipped.</summary>
    public string Decode(ReadOnlySpan<int> ids, bool includeSpecial = false)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(16, ids.Length * 16));
        var text = new StringBuilder();
        var count = 0;
        try
        {
            foreach (var id in ids)
            {
                var token = IdToToken(id);
                if (token is null)
                {
                    continue;
                }

                if (IsSpecial(id))
                {
                    if (includeSpecial)
                    {
                        Flush();
                        text.Append(token);
                    }

                    continue;
                }

                foreach (var c in token)
                {
                    if (count == bytes.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(bytes.Length * 2);
                        bytes.AsSpan(0, count).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(bytes);
                        bytes = larger;
                    }

                    // Tokens outside the byte alphabet (hand-edited vocabularies) are kept as UTF-8 text.
                    if (ByteOfChar.TryGetValue(c, out var b))
                    {
                        bytes[count++] = b;
                    }
                    else
                    {
                        Flush();
                        text.Append(c);
                    }
                }
            }

            Flush();
            return text.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        void Flush()
        {
            if (count > 0)
            {
                text.Append(Encoding.UTF8.GetString(bytes, 0, count));
                count = 0;
            }
        }
    }

    public string Decode(IEnumerable<int> ids, bool includeSpecial = false) => Decode(ids.ToArray().AsSpan(), includeSpecial);

    private int Require(string token) => TokenToId(token)
        ?? throw new InvalidDataException($"Whisper tokenizer lacks the special token {token}; is this a Whisper model folder?");

    private static void ReadTokenMap(JsonElement map, Dictionary<string, int> into)
    {
        foreach (var property in map.EnumerateObject())
        {
            into[property.Name] = property.Value.GetInt32();
        }
    }

    /// <summary>Inverse of GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards.</summary>
    private static Dictionary<char, byte> BuildByteDecoder()
    {
        var map = new Dictionary<char, byte>(256);
        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[printable ? (char)b : (char)(256 + next++)] = (byte)b;
        }

        return map;
    }
}
