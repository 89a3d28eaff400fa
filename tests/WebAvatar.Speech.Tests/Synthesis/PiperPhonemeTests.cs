using WebAvatar.Speech.Synthesis.Espeak;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Speech.Tests.Synthesis;

public sealed class PiperPhonemeTests(PiperModelFixture models) : IClassFixture<PiperModelFixture>
{
    private IReadOnlyDictionary<string, long[]> IdMap => PiperVoiceConfig.Load(Path.Combine(models.Directory, PiperModelFixture.Voice + ".onnx.json")).PhonemeIdMap;

    private static EspeakVoiceInfo EnglishUs => EspeakRuntime.Shared.Voices.Single(v => v.ShortName == "en-us");

    // Expected ids derived by hand from Piper's symbol table (the generated config): _0 ^1 $2 ' '3 ,8 .10 ?13
    // a14 h20 j22 l24 u33 ð41 ɑ51 ə59 ɛ61 ɪ74 ɹ88 ʊ100 ˈ120 ˌ121 ː122; layout ^ _ (id _)* $.
    [Fact]
    public void Short_phoneme_string_encodes_to_golden_ids()
    {
        var ids = PiperPhonemeEncoder.Encode("hˈaɪ.", IdMap, out int missing);
        Assert.Equal(0, missing);
        Assert.Equal([1, 0, 20, 0, 120, 0, 14, 0, 74, 0, 10, 0, 2], ids);
    }

    [Fact]
    public void Sentence_with_clauses_encodes_to_golden_ids()
    {
        var ids = PiperPhonemeEncoder.Encode("həlˈoʊ ðˈɛɹ, hˌaʊ ɑːɹ juː?", IdMap, out int missing);
        Assert.Equal(0, missing);
        long[] expected =
        [
            1, 0,
            20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 3, 0,     // həlˈoʊ_
            41, 0, 120, 0, 61, 0, 88, 0, 8, 0, 3, 0,              // ðˈɛɹ,_
            20, 0, 121, 0, 14, 0, 100, 0, 3, 0,                   // hˌaʊ_
            51, 0, 122, 0, 88, 0, 3, 0,                           // ɑːɹ_
            22, 0, 33, 0, 122, 0, 13, 0,                          // juː?
            2,
        ];
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void Unknown_phonemes_are_skipped_and_counted()
    {
        var ids = PiperPhonemeEncoder.Encode("a☃b", IdMap, out int missing);
        Assert.Equal(1, missing);
        Assert.Equal([1, 0, 14, 0, 15, 0, 2], ids);
    }

    [Fact]
    public async Task Espeak_phonemes_get_their_punctuation_back()
    {
        Assert.Equal("hˈaɪ.", await PiperPhonemizer.PhonemizeSentenceAsync(EnglishUs, "Hi.", default));
        // espeak phonemises clause by clause, so "how" opens a clause and takes primary stress.
        Assert.Equal("həlˈoʊ ðˈɛɹ, hˈaʊ ɑːɹ juː?", await PiperPhonemizer.PhonemizeSentenceAsync(EnglishUs, "Hello there, how are you?", default));
    }

    [Fact]
    public async Task Text_to_ids_end_to_end_matches_golden()
    {
        string phonemes = await PiperPhonemizer.PhonemizeSentenceAsync(EnglishUs, "Hi.", default);
        Assert.Equal([1, 0, 20, 0, 120, 0, 14, 0, 74, 0, 10, 0, 2], PiperPhonemeEncoder.Encode(phonemes, IdMap, out _));

        phonemes = await PiperPhonemizer.PhonemizeSentenceAsync(EnglishUs, "Hello there, how are you?", default);
        long[] expected = [1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 3, 0, 41, 0, 120, 0, 61, 0, 88, 0, 8, 0, 3, 0,
            20, 0, 120, 0, 14, 0, 100, 0, 3, 0, 51, 0, 122, 0, 88, 0, 3, 0, 22, 0, 33, 0, 122, 0, 13, 0, 2];
        Assert.Equal(expected, PiperPhonemeEncoder.Encode(phonemes, IdMap, out _));
    }

    [Fact]
    public void Visemes_are_spread_over_the_audio_in_order()
    {
        var marks = PiperVisemeTimeline.Spread("hˈaɪ mˈiː.", 3200, 16000);
        Assert.Equal(new PhonemeMark(0, string.Empty, Viseme.Rest), marks[0]);
        Assert.Equal(3200, marks[1].OffsetSamples);
        Assert.Equal(["h", "ˈa", "ɪ", "m", "ˈiː", "."], marks.Skip(1).Select(m => m.Phoneme));
        Assert.Equal([Viseme.Neutral, Viseme.Open, Viseme.Wide, Viseme.Closed, Viseme.Wide, Viseme.Rest], marks.Skip(1).Select(m => m.Viseme));
        Assert.True(marks.Zip(marks.Skip(1)).All(p => p.First.OffsetSamples < p.Second.OffsetSamples));
        Assert.InRange(marks[^1].OffsetSamples, 3200 + 16000 * 0.7, 3200 + 16000);
    }
}
