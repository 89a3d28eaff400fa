namespace WebAvatar.Speech;

/// <summary>Coarse mouth shapes the parametric renderer can draw; enough to tell talking from flapping.</summary>
public enum Viseme
{
    /// <summary>Pause or silence: mouth at rest.</summary>
    Rest,

    /// <summary>Lips closed: p, b, m.</summary>
    Closed,

    /// <summary>Jaw open: a, ɑ, æ, ʌ.</summary>
    Open,

    /// <summary>Lips rounded and forward: o, u, w, ʃ.</summary>
    Round,

    /// <summary>Lips spread: i, e, ɪ, s, z.</summary>
    Wide,

    /// <summary>Lower lip to teeth: f, v.</summary>
    Teeth,

    /// <summary>Other consonants: slightly open, tongue work hidden.</summary>
    Neutral,
}
