using System.Globalization;
using System.Text;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>
/// Approximate phoneme timing for Piper: VITS predicts durations internally but the exported graph does not
/// output them, so each phoneme of the sentence gets a share of its audio proportional to a weight
/// (vowels 2, consonants 1, pause punctuation 2, word gaps none). Good enough for coarse visemes; not exact.
/// </summary>
public static class PiperVisemeTimeline
{
    private const string Vowels = "aeiouyæøœɐɑɒɔəɘɚɛɜɞɤɨɪɯɵɶʉʊʌʏᵻ";

    /// <param name="phonemes">The sentence's phoneme string (as fed to the encoder).</param>
    /// <param name="startSample">First sample of the speech (after any leading silence).</param>
    /// <param name="speechSamples">Samples of speech to spread the phonemes over.</param>
    public static List<PhonemeMark> Spread(string phonemes, int startSample, int speechSamples)
    {
        var units = Units(phonemes);
        var marks = new List<PhonemeMark>(units.Count + 1);
        if (startSample > 0 || units.Count == 0)
        {
            marks.Add(new PhonemeMark(0, string.Empty, Viseme.Rest));
        }

        double total = units.Sum(u => u.Weight);
        double position = 0;
        foreach (var (unit, weight) in units)
        {
            int offset = startSample + (int)(position / total * speechSamples);
            marks.Add(new PhonemeMark(offset, unit, IpaVisemeMap.Map(unit)));
            position += weight;
        }

        return marks;
    }

    /// <summary>Phonemes with their modifiers (stress, length, combining marks) attached, and their weights.</summary>
    private static List<(string Unit, double Weight)> Units(string phonemes)
    {
        var units = new List<(string, double)>();
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0)
            {
                string unit = current.ToString();
                char core = unit.FirstOrDefault(c => c is not ('ˈ' or 'ˌ'));
                double weight = char.IsPunctuation(core) ? 2 : Vowels.Contains(core) ? 2 : 1;
                units.Add((unit, weight));
                current.Clear();
            }
        }

        foreach (char c in phonemes.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            bool modifier = c is 'ː' or 'ˑ' or 'ʰ' or 'ʲ' || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (char.IsWhiteSpace(c))
            {
                Flush();
                continue;
            }

            if (!modifier && current.Length > 0 && current[^1] is not ('ˈ' or 'ˌ'))
            {
                Flush();
            }

            current.Append(c);
        }

        Flush();
        return units;
    }
}
