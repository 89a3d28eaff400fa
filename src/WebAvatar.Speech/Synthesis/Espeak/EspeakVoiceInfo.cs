namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>One voice (language) of the installed espeak-ng data.</summary>
/// <param name="Identifier">Path under espeak-ng-data/lang, e.g. <c>gmw/en-US</c>, <c>sit/cmn</c>.</param>
/// <param name="Name">Display name, e.g. <c>English_(America)</c>.</param>
/// <param name="Languages">Language codes it answers to, best first, e.g. <c>cmn, zh-cmn, zh</c>.</param>
public sealed record EspeakVoiceInfo(string Identifier, string Name, IReadOnlyList<string> Languages)
{
    /// <summary>The short name espeak-ng users type: the last path segment of the identifier, lower case.</summary>
    public string ShortName => Identifier[(Identifier.LastIndexOf('/') + 1)..].ToLowerInvariant();
}
