using System.Text;

namespace WebAvatar.Speech.Synthesis.Piper;

/// <summary>
/// Piper's phonemes-to-ids step: the phoneme string is NFD-decomposed and each Unicode code point is one phoneme;
/// ids are <c>^ _ (ids(p) _)* $</c> (BOS, pad, every phoneme's ids followed by pad, EOS), as piper-phonemize does.
/// Phonemes missing from the voice's map are skipped and counted.
/// </summary>
public static class PiperPhonemeEncoder
{
    public const string Pad = "_";
    public const string Bos = "^";
    public const string Eos = "$";

    public static long[] Encode(string phonemes, IReadOnlyDictionary<string, long[]> idMap, out int missing)
    {
        missing = 0;
        var ids = new List<long>(phonemes.Length * 2 + 3);
        long[] pad = idMap[Pad];
        ids.AddRange(idMap[Bos]);
        ids.AddRange(pad);
        foreach (var rune in phonemes.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (!idMap.TryGetValue(rune.ToString(), out var phonemeIds))
            {
                missing++;
                continue;
            }

            ids.AddRange(phonemeIds);
            ids.AddRange(pad);
        }

        ids.AddRange(idMap[Eos]);
        return ids.ToArray();
    }
}
