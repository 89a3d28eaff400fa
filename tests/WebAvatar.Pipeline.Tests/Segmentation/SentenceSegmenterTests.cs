using WebAvatar.Pipeline.Segmentation;
using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Pipeline.Tests.Segmentation;

public class SentenceSegmenterTests
{
    [Fact]
    public void Cuts_the_first_clause_as_soon_as_it_is_complete()
    {
        var s = new SentenceSegmenter(minChars: 10);
        Assert.Empty(s.Push("Hello there,"));
        // "Hello there," is 11 speakable chars and the comma is now followed by a space: cut.
        Assert.Equal(["Hello there,"], s.Push(" how"));
        Assert.Equal(["how are you today?"], s.Push(" are you today? I am fine."));
        Assert.Equal("I am fine.", s.Flush());
    }

    [Fact]
    public void Short_clauses_wait_for_more_text()
    {
        var s = new SentenceSegmenter(minChars: 10);
        Assert.Empty(s.Push("Hi, yes. "));
        Assert.Equal(["Hi, yes. Of course,"], s.Push("Of course, I can help."));
    }

    [Fact]
    public void Does_not_cut_decimals_abbreviations_or_a_trailing_dot_before_the_next_token()
    {
        var s = new SentenceSegmenter(minChars: 5);
        Assert.Empty(s.Push("Pi is about 3."));
        Assert.Empty(s.Push("14 and Dr. Smith agrees"));
        Assert.Equal(["Pi is about 3.14 and Dr. Smith agrees."], s.Push(". "));
    }

    [Fact]
    public void Cuts_cjk_punctuation_immediately()
    {
        var s = new SentenceSegmenter(minChars: 4);
        var cut = s.Push("你好，我是数字人助手。很高兴见到你！");
        Assert.Equal(["你好，我是数字人助手。", "很高兴见到你！"], cut);
        Assert.Null(s.Flush());
    }

    [Fact]
    public void Streams_token_by_token_like_an_llm()
    {
        var s = new SentenceSegmenter(minChars: 10);
        var text = "Sure thing. The weather today is sunny, with a light breeze; enjoy it!";
        var all = new List<string>();
        foreach (var ch in text)
        {
            all.AddRange(s.Push(ch.ToString()));
        }

        if (s.Flush() is { } last)
        {
            all.Add(last);
        }

        Assert.Equal(["Sure thing.", "The weather today is sunny,", "with a light breeze;", "enjoy it!"], all);
    }

    [Fact]
    public void Long_runs_without_punctuation_are_cut_at_a_space()
    {
        var s = new SentenceSegmenter(minChars: 10, maxChars: 40);
        var words = string.Join(' ', Enumerable.Repeat("word", 30));
        var cut = s.Push(words);
        Assert.NotEmpty(cut);
        Assert.All(cut, c => Assert.InRange(c.Length, 10, 41));
        Assert.All(cut, c => Assert.DoesNotContain("wor d", c));
    }

    [Fact]
    public void Punctuation_only_is_not_a_segment()
    {
        Assert.Empty(SentenceSegmenter.SplitAll("... !!! ，，"));
    }

    [Fact]
    public void Tts_splits_segments_by_the_same_rules_so_abbreviations_stay_whole()
    {
        var segments = SentenceSegmenter.SplitAll("Please ask Dr. Smith, he knows. Mrs. Jones will wait.");

        Assert.Equal(["Please ask Dr. Smith,", "he knows. Mrs. Jones will wait."], segments);
        Assert.Equal(["Please ask Dr. Smith,", "he knows.", "Mrs. Jones will wait."], segments.SelectMany(SentenceSplitter.SplitSentences));
    }
}
