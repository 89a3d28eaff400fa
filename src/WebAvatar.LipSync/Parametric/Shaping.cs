namespace WebAvatar.LipSync.Parametric;

/// <summary>Falloff curves shared by the warps: smooth so the displaced image has no visible seams.</summary>
internal static class Shaping
{
    /// <summary>0 below <paramref name="edge0"/>, 1 above <paramref name="edge1"/>, C1-smooth in between.</summary>
    public static float SmoothStep(float edge0, float edge1, float x)
    {
        float t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3 - 2 * t);
    }

    public static float Lerp(float a, float b, float t) => a + (b - a) * t;
}
