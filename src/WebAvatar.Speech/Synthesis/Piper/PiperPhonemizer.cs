using WebAvatar.Speech.Synthesis.Espeak;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>
/// Text to Piper phonemes with espeak-ng: one espeak_TextToPhonemes call per clause (IPA), then the clause's
/// punctuation put back the way piper-phonemize does (<c>. ? !</c> as is, <c>, ; :</c> followed by a space),
/// because espeak-ng 1.51's API drops it and the voices were trained with it.
/// </summary>
internal static class PiperPhonemizer
{
    public static async Task<string> PhonemizeSentenceAsync(EspeakVoiceInfo voice, string sentence, CancellationToken cancellationToken)
    {
        var clauses = SentenceSplitter.SplitClauses(sentence);
        var bodies = clauses.Select(c => c.TrimEnd(TrailingPunctuation)).ToArray();
        var phonemes = await EspeakRuntime.Shared.PhonemizeAsync(voice, bodies, cancellationToken).ConfigureAwait(false);
        var result = new System.Text.StringBuilder();
        for (int i = 0; i < clauses.Count; i++)
        {
            result.Append(phonemes[i]);
            result.Append(PunctuationFor(clauses[i]));
        }

        return result.ToString().TrimEnd();
    }

    private static readonly char[] TrailingPunctuation = ".!?…。！？,;:，；：、 \"'”’)".ToCharArray();

    /// <summary>Piper's rendering of the punctuation that closes <paramref name="clause"/> ("" when none).</summary>
    public static string PunctuationFor(string clause)
    {
        string trimmed = clause.TrimEnd(' ', '"', '\'', '”', '’', ')');
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        return trimmed[^1] switch
        {
            '.' or '…' or '。' => ".",
            '?' or '？' => "?",
            '!' or '！' => "!",
            ',' or '，' or '、' => ", ",
            ';' or '；' => "; ",
            ':' or '：' => ": ",
            _ => string.Empty,
        };
    }
}
