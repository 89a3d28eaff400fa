namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>
/// Finds the espeak-ng voice for a voice id or BCP 47 language: by identifier (<c>gmw/en-US</c>), short name
/// (<c>en-us</c>), display name, or language code (<c>zh</c> finds <c>cmn</c>); <c>de-DE</c> falls back to <c>de</c>.
/// Never falls back silently to another language: unknown names throw <see cref="VoiceNotFoundException"/>.
/// </summary>
internal static class EspeakVoiceResolver
{
    public const string EngineName = "espeak-ng";

    public static EspeakVoiceInfo Resolve(IReadOnlyList<EspeakVoiceInfo> voices, string requested)
    {
        string wanted = Normalize(requested);
        if (wanted.Length == 0)
        {
            throw new ArgumentException("Voice name is empty.", nameof(requested));
        }

        var match = Find(voices, wanted);
        if (match is null && IsLanguageWithRegionOrScript(wanted))
        {
            // "de-DE", "pt-BR", "zh-Hans-CN": the language itself is what matters to espeak.
            match = Find(voices, wanted[..wanted.IndexOf('-')]);
        }

        if (match is null)
        {
            var names = voices.SelectMany(v => v.Languages.Prepend(v.ShortName));
            throw new VoiceNotFoundException(EngineName, requested, VoiceNotFoundException.FindCloseMatches(wanted, names));
        }

        return match;
    }

    private static EspeakVoiceInfo? Find(IReadOnlyList<EspeakVoiceInfo> voices, string wanted) =>
        voices.FirstOrDefault(v => Normalize(v.Identifier) == wanted)
        ?? voices.FirstOrDefault(v => v.ShortName == wanted)
        ?? voices.FirstOrDefault(v => Normalize(v.Name) == wanted)
        ?? voices.FirstOrDefault(v => v.Languages.Count > 0 && Normalize(v.Languages[0]) == wanted)
        ?? voices.FirstOrDefault(v => v.Languages.Any(l => Normalize(l) == wanted));

    private static bool IsLanguageWithRegionOrScript(string tag)
    {
        var parts = tag.Split('-');
        return parts.Length is 2 or 3
            && parts[0].Length is 2 or 3 && parts[0].All(char.IsAsciiLetter)
            && parts.Skip(1).All(p => (p.Length == 2 && p.All(char.IsAsciiLetter)) || (p.Length == 3 && p.All(char.IsAsciiDigit)) || (p.Length == 4 && p.All(char.IsAsciiLetter)));
    }

    private static string Normalize(string name) => name.Trim().Replace('_', '-').ToLowerInvariant();
}
