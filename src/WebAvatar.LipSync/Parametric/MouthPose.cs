using WebAvatar.Speech;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// The mouth of one frame, in face-relative units.
/// </summary>
/// <param name="Open">Jaw drop as a fraction of the largest opening (0 closed, 1 wide open).</param>
/// <param name="WidthScale">Corner-to-corner width relative to the portrait (below 1 rounds, above 1 spreads).</param>
/// <param name="Press">Lip thickness change (-1..1): positive presses the lips thin (p/b/m), negative pushes them
/// forward so they look fuller (rounded vowels).</param>
/// <param name="Teeth">How much of the opening the upper teeth fill (f/v bring the lower lip up under them).</param>
internal readonly record struct MouthPose(float Open, float WidthScale, float Press, float Teeth)
{
    public static readonly MouthPose Rest = new(0, 1, 0, 0.35f);

    public MouthPose MoveToward(MouthPose target, float openRate, float shapeRate) => new(
        Open + (target.Open - Open) * openRate,
        WidthScale + (target.WidthScale - WidthScale) * shapeRate,
        Press + (target.Press - Press) * shapeRate,
        Teeth + (target.Teeth - Teeth) * shapeRate);
}

/// <summary>What each viseme does to the mouth; the opening is further scaled by the audio level.</summary>
internal readonly record struct VisemeShape(float OpenGain, float WidthScale, float Press, float Teeth)
{
    public static VisemeShape For(Viseme viseme) => viseme switch
    {
        Viseme.Open => new(1.0f, 1.03f, 0, 0.30f),
        Viseme.Round => new(0.62f, 0.80f, -0.7f, 0.20f),
        Viseme.Wide => new(0.42f, 1.12f, 0, 0.45f),
        Viseme.Closed => new(0f, 0.97f, 1f, 0),
        Viseme.Teeth => new(0.22f, 1.0f, 0, 1.0f),
        Viseme.Neutral => new(0.55f, 1.0f, 0, 0.35f),
        _ => new(0.15f, 1.0f, 0, 0.35f),
    };
}
