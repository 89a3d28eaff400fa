using System.Text.Json;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

public class WhisperTokenizerTests
{
    [Fact]
    public void DecodesByteLevelTokensIncludingMultiByteUtf8()
    {
        var dir = WriteTokenizer(new Dictionary<string, int>
        {
            ["Hello"] = 0,
            ["Ġworld"] = 1,
            ["ĠcafÃ©"] = 2,         // " café": é is the two bytes C3 A9
            ["ĠæĹ"] = 3,            // " 日" split across two tokens: E6 97 | A5
            ["¥"] = 4,
            ["!"] = 5,
            ["Ċ"] = 6,              // newline byte 0x0A
        });
        var tokenizer = WhisperTokenizer.Load(dir);

        Assert.Equal("Hello world café 日!\n", tokenizer.Decode([0, 1, 2, 3, 4, 5, 6]));
        Assert.Equal(" world", tokenizer.Decode([1]));
    }

    [Fact]
    public void SpecialTokensAreDroppedUnlessAsked()
    {
        var tokenizer = WhisperTokenizer.Load(WriteTokenizer(new Dictionary<string, int> { ["Hi"] = 0, ["!"] = 1 }));
        int[] ids = [tokenizer.StartOfTranscript, tokenizer.Languages["en"], tokenizer.Transcribe, tokenizer.NoTimestamps, 0, 1, tokenizer.EndOfText];

        Assert.Equal("Hi!", tokenizer.Decode(ids));
        Assert.Equal("<|startoftranscript|><|en|><|transcribe|><|notimestamps|>Hi!<|endoftext|>", tokenizer.Decode(ids, includeSpecial: true));
        Assert.Equal("Hi", tokenizer.Decode([0, 999_999, -4])); // unknown ids are skipped
    }

    [Fact]
    public void ReadsLanguagesInModelOrder()
    {
        var tokenizer = WhisperTokenizer.Load(WriteTokenizer(new Dictionary<string, int> { ["a"] = 0 }));

        Assert.Equal(tokenizer.StartOfTranscript + 1, tokenizer.Languages["en"]);
        Assert.Equal(tokenizer.StartOfTranscript + 3, tokenizer.Languages["de"]);
        Assert.True(tokenizer.IsSpecial(tokenizer.EndOfText));
        Assert.False(tokenizer.IsSpecial(0));
    }

    [Fact]
    public void GeneratedModelVocabularyDecodesItsKnownWords()
    {
        var tokenizer = WhisperTokenizer.Load(GeneratedWhisperModels.Random);
        int[] ids = [tokenizer.TokenToId("Ġhello")!.Value, tokenizer.TokenToId("ĠcafÃ©")!.Value, tokenizer.TokenToId("ĠæĹ¥æľ¬")!.Value];

        Assert.Equal(" hello café 日本", tokenizer.Decode(ids));
    }

    [Fact]
    public void MalformedFilesGiveAClearError()
    {
        var dir = TestPaths.NewTempDirectory("tok-bad");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{ \"a\": ");
        var ex = Assert.Throws<InvalidDataException>(() => WhisperTokenizer.Load(dir));
        Assert.Contains(dir, ex.Message);

        var empty = TestPaths.NewTempDirectory("tok-none");
        Assert.Throws<FileNotFoundException>(() => WhisperTokenizer.Load(empty));

        var noSpecials = TestPaths.NewTempDirectory("tok-nospecial");
        File.WriteAllText(Path.Combine(noSpecials, "vocab.json"), "{\"a\": 0}");
        Assert.Contains("<|endoftext|>", Assert.Throws<InvalidDataException>(() => WhisperTokenizer.Load(noSpecials)).Message);
    }

    /// <summary>A vocabulary with the given text tokens followed by Whisper's special tokens (in added_tokens.json).</summary>
    private static string WriteTokenizer(Dictionary<string, int> text)
    {
        var dir = TestPaths.NewTempDirectory("tok");
        var next = 1000;
        var added = new Dictionary<string, int>();
        foreach (var token in new[] { "<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|zh|>", "<|de|>", "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>" })
        {
            added[token] = next++;
        }

        File.WriteAllText(Path.Combine(dir, "vocab.json"), JsonSerializer.Serialize(text));
        File.WriteAllText(Path.Combine(dir, "added_tokens.json"), JsonSerializer.Serialize(added));
        return dir;
    }
}
