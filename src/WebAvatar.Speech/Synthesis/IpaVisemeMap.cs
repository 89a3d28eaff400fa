using System.Globalization;
using System.Text;

namespace WebAvatar.Speech.Synthesis;

/// <summary>
/// Maps an IPA phoneme (as espeak-ng and Piper write them) to a coarse <see cref="Viseme"/>.
/// Stress, length and other modifier marks are ignored; diphthongs and affricates are looked up whole
/// before falling back to their first letter.
/// </summary>
public static class IpaVisemeMap
{
    private static readonly Dictionary<string, Viseme> Table = Build();

    /// <summary>The viseme for <paramref name="ipa"/>; pauses, punctuation and empty strings give <see cref="Viseme.Rest"/>.</summary>
    public static Viseme Map(string? ipa)
    {
        string core = StripModifiers(ipa);
        if (core.Length == 0)
        {
            return Viseme.Rest;
        }

        if (Table.TryGetValue(core, out var viseme))
        {
            return viseme;
        }

        // Two-letter units first (aɪ, tʃ...), then the first letter alone.
        var enumerator = StringInfo.GetTextElementEnumerator(core);
        enumerator.MoveNext();
        string first = (string)enumerator.Current;
        if (core.Length > first.Length && enumerator.MoveNext() && Table.TryGetValue(first + (string)enumerator.Current, out viseme))
        {
            return viseme;
        }

        return Table.TryGetValue(first, out viseme) ? viseme : Viseme.Neutral;
    }

    private static string StripModifiers(string? ipa)
    {
        if (string.IsNullOrEmpty(ipa))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(ipa.Length);
        foreach (char c in ipa.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            bool isModifier = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                || c is 'ˈ' or 'ˌ' or 'ː' or 'ˑ' or '\u200D' or '\u0361' or '-' or '\'' or ',' or '%' or '=';
            if (!isModifier && !char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        string core = builder.ToString();

        // Pauses (espeak "_", "_:", "_!"), punctuation and digits (tone numbers) are silence for the mouth.
        return core.All(c => c == '_' || char.IsPunctuation(c) || char.IsDigit(c) || char.IsSymbol(c)) ? string.Empty : core;
    }

    private static Dictionary<string, Viseme> Build()
    {
        var table = new Dictionary<string, Viseme>(StringComparer.Ordinal);
        void Add(Viseme viseme, params string[] phonemes)
        {
            foreach (var phoneme in phonemes)
            {
                table[phoneme] = viseme;
            }
        }

        Add(Viseme.Closed, "p", "b", "m", "ɱ");
        Add(Viseme.Open, "a", "ɑ", "æ", "ʌ", "aɪ", "aʊ", "ɐ", "ä", "ɶ");
        Add(Viseme.Round, "o", "ɔ", "u", "ʊ", "w", "oʊ", "ʃ", "ʒ", "tʃ", "dʒ", "ɒ", "ɔɪ", "y", "ø", "œ", "ʏ", "ɥ", "ʉ", "ɵ", "ʍ", "ɕ", "ʑ", "tɕ", "dʑ", "ʂ", "ʐ", "ʈʂ");
        Add(Viseme.Wide, "i", "ɪ", "e", "ɛ", "eɪ", "s", "z", "j", "ɨ", "ɯ", "ts", "dz");
        Add(Viseme.Teeth, "f", "v", "ɸ", "β");
        return table;
    }
}
