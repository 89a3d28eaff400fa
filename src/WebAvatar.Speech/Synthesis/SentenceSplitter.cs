namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// Cuts text into sentences (the unit engines synthesise and stream) and sentences into clauses
/// (the unit espeak-ng phonemises, whose closing punctuation Piper needs back).
/// </summary>
public static class SentenceSplitter
{
    private const string SentenceEnds = ".!?…。！？";
    private const string ClauseEnds = ",;:，；：、";

    /// <summary>Sentences with their closing punctuation, trimmed; never empty strings.</summary>
    public static IReadOnlyList<string> SplitSentences(string text) => Split(text, SentenceEnds, splitOnNewline: true);

    /// <summary>Clauses with their closing punctuation (sentence or clause ends), trimmed.</summary>
    public static IReadOnlyList<string> SplitClauses(string sentence) => Split(sentence, SentenceEnds + ClauseEnds, splitOnNewline: true);

    private static List<string> Split(string text, string terminators, bool splitOnNewline)
    {
        var pieces = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool newline = splitOnNewline && c == '\n';
            if (!newline && terminators.IndexOf(c) < 0)
            {
                continue;
            }

            // Keep runs like "?!" or "..." together; a latin stop must be followed by space or the end (3.5, e.g.).
            int end = i + 1;
            while (end < text.Length && terminators.IndexOf(text[end]) >= 0)
            {
                end++;
            }

            bool cjk = c > 0x2E80;
            if (!newline && !cjk && end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('"' or '\'' or ')' or '”' or '’'))
            {
                i = end - 1;
                continue;
            }

            AddTrimmed(pieces, text.AsSpan(start, end - start));
            start = end;
            i = end - 1;
        }

        AddTrimmed(pieces, text.AsSpan(start));
        return pieces;
    }

    private static void AddTrimmed(List<string> pieces, ReadOnlySpan<char> piece)
    {
        var trimmed = piece.Trim();
        if (!trimmed.IsEmpty && trimmed.ContainsAnyExcept(" \t\r\n.,;:!?…。！？，；：、"))
        {
            pieces.Add(trimmed.ToString());
        }
    }
}
