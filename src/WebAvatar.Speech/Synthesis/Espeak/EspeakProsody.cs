namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>espeak-ng parameters for one request, already in espeak's units.</summary>
/// <param name="RateWordsPerMinute">80..450; espeak's default is 175.</param>
/// <param name="Pitch">0..100; default 50.</param>
/// <param name="Volume">0..200; default 100.</param>
public readonly record struct EspeakProsody(int RateWordsPerMinute, int Pitch, int Volume)
{
    public const int DefaultRate = 175;

    public static EspeakProsody Default => new(DefaultRate, 50, 100);

    /// <summary>Maps MEAI multipliers (1.0 = normal) onto espeak's ranges, clamping to what espeak accepts.</summary>
    public static EspeakProsody FromMultipliers(float speed, float pitch, float volume) => new(
        Math.Clamp((int)Math.Round(DefaultRate * speed), 80, 450),
        Math.Clamp((int)Math.Round(50 * pitch), 0, 100),
        Math.Clamp((int)Math.Round(100 * volume), 0, 200));
}
