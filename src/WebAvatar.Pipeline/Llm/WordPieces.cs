namespace WebAvatar.Pipeline.Llm;

/// <summary>Splits text into word-sized stream pieces the way models emit tokens: each word keeps its leading space.</summary>
internal static class WordPieces
{
    public static IEnumerable<string> SplitKeepingSpaces(string text)
    {
        int start = 0;
        for (int i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i])))
            {
                yield return text[start..i];
                start = i;
            }
        }
    }
}
