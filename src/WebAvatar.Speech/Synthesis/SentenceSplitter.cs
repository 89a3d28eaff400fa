namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// The one set of rules for where speech text breaks: into sentences (the unit engines synthesise and stream) and into
/// clauses (the unit the streaming reply segmenter emits and espeak-ng phonemises, whose closing punctuation Piper needs
/// back). A run of closing punctuation ends a piece when it is CJK, or when whitespace or the end of the text follows it
/// (closing quotes and brackets stay with it) and it is not the dot of an abbreviation (Dr. Smith, e.g. this, J. Smith);
/// so 3.50 and i.e.it stay whole. A newline always ends a piece.
/// </summary>
public static class SentenceSplitter
{
    private const string SentenceEnds = ".!?…。！？";
    private const string ClauseEnds = SentenceEnds + ",;:，；：、";
    private const string Closers = "\"')”’";

    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "no",
    };

    /// <summary>Sentences with their closing punctuation, trimmed; never empty strings.</summary>
    public static IReadOnlyList<string> SplitSentences(string text) => Split(text, clauses: false);

    /// <summary>Clauses with their closing punctuation (sentence or clause ends), trimmed.</summary>
    public static IReadOnlyList<string> SplitClauses(string sentence) => Split(sentence, clauses: true);

    /// <summary>
    /// Where the first piece of <paramref name="text"/> from <paramref name="start"/> ends (after its punctuation, closing
    /// quotes or newline), or -1 when none ends in it. While text is still arriving (<paramref name="textIsComplete"/>
    /// false), a Latin stop at the very end is undecided ("3." may become 3.14, "Dr." be followed by a name): -1.
    /// </summary>
    public static int FindPieceEnd(ReadOnlySpan<char> text, int start, bool clauses, bool textIsComplete)
    {
        var ends = clauses ? ClauseEnds : SentenceEnds;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n')
            {
                return i + 1;
            }

            if (ends.IndexOf(c) < 0)
            {
                continue;
            }

            int end = i + 1;
            while (end < text.Length && ends.IndexOf(text[end]) >= 0)
            {
                end++;
            }

            if (c > 0x2E80)
            {
                return end; // CJK punctuation needs no space after it.
            }

            int after = end;
            while (after < text.Length && Closers.IndexOf(text[after]) >= 0)
            {
                after++;
            }

            if (after == text.Length && !textIsComplete)
            {
                return -1;
            }

            bool followedBySpace = after == text.Length || char.IsWhiteSpace(text[after]);
            if (followedBySpace && !(text[end - 1] == '.' && EndsWithAbbreviation(text, end - 1)))
            {
                return after;
            }

            i = end - 1;
        }

        return -1;
    }

    private static List<string> Split(string text, bool clauses)
    {
        var pieces = new List<string>();
        int start = 0;
        while (start < text.Length)
        {
            int end = FindPieceEnd(text, start, clauses, textIsComplete: true);
            end = end < 0 ? text.Length : end;
            AddTrimmed(pieces, text.AsSpan(start, end - start));
            start = end;
        }

        return pieces;
    }

    private static bool EndsWithAbbreviation(ReadOnlySpan<char> text, int dotIndex)
    {
        int start = dotIndex;
        while (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] == '.'))
        {
            start--;
        }

        var word = text[start..dotIndex];
        return word.Length == 1 ? char.IsUpper(word[0]) : Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
    }

    private static void AddTrimmed(List<string> pieces, ReadOnlySpan<char> piece)
    {
        var trimmed = piece.Trim();
        if (!trimmed.IsEmpty && trimmed.ContainsAnyExcept(" \t\r\n.,;:!?…。！？，；：、\"')”’"))
        {
            pieces.Add(trimmed.ToString());
        }
    }
}
