using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Speech.Tests.Synthesis;

public sealed class SentenceSplitterTests
{
    [Fact]
    public void Sentences_keep_their_punctuation()
    {
        Assert.Equal(["Hello there.", "How are you?!", "Fine"], SentenceSplitter.SplitSentences("Hello there.  How are you?! Fine"));
    }

    [Fact]
    public void Decimal_points_and_abbreviations_without_space_do_not_split()
    {
        Assert.Equal(["It costs 3.50 dollars, i.e.it is cheap."], SentenceSplitter.SplitSentences("It costs 3.50 dollars, i.e.it is cheap."));
    }

    [Fact]
    public void Cjk_sentences_split_without_spaces()
    {
        Assert.Equal(["你好。", "今天天气很好！", "对吗？"], SentenceSplitter.SplitSentences("你好。今天天气很好！对吗？"));
    }

    [Fact]
    public void Clauses_split_at_commas_and_semicolons()
    {
        Assert.Equal(["Hello there,", "how are you;", "fine."], SentenceSplitter.SplitClauses("Hello there, how are you; fine."));
    }

    [Fact]
    public void Punctuation_only_pieces_are_dropped()
    {
        Assert.Empty(SentenceSplitter.SplitSentences(" ... !? "));
        Assert.Equal(["Yes.", "No."], SentenceSplitter.SplitSentences("Yes.\n\nNo."));
    }
}
