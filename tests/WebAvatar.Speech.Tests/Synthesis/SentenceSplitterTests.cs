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

    [Fact]
    public void Abbreviations_and_initials_do_not_end_a_sentence()
    {
        Assert.Equal(["Dr. Smith met J. Doe, e.g. at noon.", "Then they left."], SentenceSplitter.SplitSentences("Dr. Smith met J. Doe, e.g. at noon. Then they left."));
        Assert.Equal(["Ask Mrs. Brown,", "then leave."], SentenceSplitter.SplitClauses("Ask Mrs. Brown, then leave."));
    }

    [Fact]
    public void Closing_quotes_stay_with_their_sentence()
    {
        Assert.Equal(["He said \"hi.\"", "Then he left."], SentenceSplitter.SplitSentences("He said \"hi.\" Then he left."));
    }

    [Theory]
    [InlineData("Pi is about 3.", false, -1)]
    [InlineData("Pi is about 3.", true, 14)]
    [InlineData("Ask Dr.", false, -1)]
    [InlineData("Yes. No", false, 4)]
    [InlineData("好。", false, 2)]
    [InlineData("Fine, thanks", false, -1)]
    public void A_stop_at_the_end_of_text_still_arriving_is_undecided(string text, bool complete, int expectedEnd)
    {
        Assert.Equal(expectedEnd, SentenceSplitter.FindPieceEnd(text, 0, clauses: false, textIsComplete: complete));
    }
}
