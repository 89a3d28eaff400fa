using static WebAvatar.LipSync.Parametric.Shaping;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// The mouth of one frame as an inverse warp plus paint. Forward model (face coordinates): the lower lip and the
/// jaw move down by the opening with a smooth falloff below the chin and toward the cheeks, the upper lip lifts a
/// little, the corners move in or out with the viseme width. The gap that opens between the lips (an almond
/// between <see cref="TopEdge"/> and <see cref="BottomEdge"/>) is painted as the dark mouth cavity with upper teeth.
/// </summary>
internal sealed class MouthWarp
{
    private const float FeatherPixels = 1.1f;

    // Mouth interior colours (BGR): shadow under the teeth, dark throat, tongue low in a wide opening,
    // moist inner lip along the lower edge, off-white teeth.
    private static readonly (float B, float G, float R) ShadowColor = (16, 16, 26);
    private static readonly (float B, float G, float R) ThroatColor = (26, 26, 58);
    private static readonly (float B, float G, float R) TongueColor = (72, 80, 150);
    private static readonly (float B, float G, float R) InnerLipColor = (90, 100, 165);
    private static readonly (float B, float G, float R) TeethColor = (188, 202, 214);

    private readonly FaceGeometry _face;
    private readonly float _maxOpen;
    private readonly float _jawInner;
    private readonly float _jawOuter;
    private readonly float _chinFalloff;
    private readonly float _maxTeeth;
    private readonly float _toothWidth;

    private float _open;
    private float _lift;
    private float _width;
    private float _press;
    private float _teeth;

    public MouthWarp(FaceGeometry face)
    {
        _face = face;
        float hw = face.MouthHalfWidth;
        _maxOpen = hw * 0.5f;
        _jawInner = hw * 1.5f;
        _jawOuter = hw * 2.5f;
        // Slow enough that the stretched neck never folds over itself (slope of the displacement stays below 1).
        _chinFalloff = Math.Max(hw * 0.9f, _maxOpen * 2.2f);
        // A smile already shows the real upper teeth right above the opening: painting more would double them.
        _maxTeeth = face.TeethVisible ? 0 : hw * 0.36f;
        _toothWidth = hw * 0.3f;
        // Tall enough to hold every falloff above the raised corners, so nothing is cut at the border.
        float top = Math.Min(face.NoseY, face.LipLineY - face.SmileLift * 1.21f - hw * 1.05f) - 2;
        Region = new Box(face.MouthCenterX - _jawOuter, top, _jawOuter * 2, face.ChinY + _chinFalloff - top + 2);
    }

    /// <summary>Face-space area this warp may change; everything else maps to itself.</summary>
    public Box Region { get; }

    public void SetPose(MouthPose pose)
    {
        _open = Math.Max(0, pose.Open) * _maxOpen;
        _lift = _open * 0.16f;
        _width = pose.WidthScale;
        _press = Math.Clamp(pose.Press, -1, 1);
        _teeth = Math.Clamp(pose.Teeth, 0, 1);
    }

    /// <summary>Upper edge of the opening at output column <paramref name="x"/>.</summary>
    public float TopEdge(float x) => _face.LipLineAt(x) - _lift * OutputLens(x);

    /// <summary>False when the mouth is at rest: the warp is then the identity and can be skipped.</summary>
    public bool IsActive => _open > 0.05f || MathF.Abs(_width - 1) > 0.005f || MathF.Abs(_press) > 0.01f;

    /// <summary>Lower edge of the opening at output column <paramref name="x"/>.</summary>
    public float BottomEdge(float x) => _face.LipLineAt(x) + _open * OutputLens(x);

    /// <summary>
    /// Maps an output point (face space) to where it samples the portrait, and returns the paint for it:
    /// cavity colour and alpha, and a shade multiplier for lip shadows.
    /// </summary>
    public (float SrcX, float SrcY, float Alpha, float B, float G, float R, float Shade) Map(float x, float y)
    {
        float lens = OutputLens(x);
        float lipAtX = _face.LipLineAt(x);
        float top = lipAtX - _lift * lens;
        float bottom = lipAtX + _open * lens;
        float sx = x, sy = y, shade = 1f;

        if (y >= bottom)
        {
            // Fixed-point inversion of the smooth forward field (its slope stays below 1, so 3 steps converge).
            for (int i = 0; i < 3; i++)
            {
                sx = x - CornerShift(sx, sy);
                sy = Math.Max(_face.LipLineAt(sx), y - LowerDrop(sx, sy));
            }

            sy = Press(sx, sy);
            float below = y - bottom;
            shade = 1f - 0.28f * (1 - Math.Clamp(below / 2.5f, 0, 1)) * Math.Clamp(_open / 3f, 0, 1) * lens;
        }
        else if (y <= top)
        {
            for (int i = 0; i < 3; i++)
            {
                sx = x - CornerShift(sx, sy);
                float lip = _face.LipLineAt(sx);
                float fadeStart = Math.Min(_face.NoseY, lip - _face.MouthHalfWidth * 0.3f);
                sy = Math.Min(lip, y + _lift * Lens(sx) * SmoothStep(fadeStart, lip, sy));
            }

            sy = Press(sx, sy);
        }
        else
        {
            sx = x - CornerShift(x, _face.LipLineAt(x));
            sy = _face.LipLineAt(sx);
        }

        var (alpha, b, g, r) = Cavity(x, y, top, bottom, lens);
        return (sx, sy, alpha, b, g, r, shade);
    }

    private (float Alpha, float B, float G, float R) Cavity(float x, float y, float top, float bottom, float lens)
    {
        float gap = bottom - top;
        if (gap < 0.4f || y < top - FeatherPixels || y > bottom + FeatherPixels)
        {
            return (0, 0, 0, 0);
        }

        float inside = Math.Min(y - top, bottom - y);
        float alpha = Math.Clamp(inside / FeatherPixels + 0.5f, 0, 1) * Math.Clamp((gap - 0.4f) / 1.5f, 0, 1);

        float fromTop = Math.Clamp((y - top) / gap, 0, 1);
        float tongue = SmoothStep(0.5f, 0.95f, fromTop) * SmoothStep(3f, 9f, gap) * 0.8f;
        float innerLip = (1 - SmoothStep(0f, 1.6f, bottom - y)) * 0.55f;
        float cornerDark = 0.6f + 0.4f * lens;
        float b = Mix(ShadowColor.B, ThroatColor.B, TongueColor.B, InnerLipColor.B, fromTop, tongue, innerLip) * cornerDark;
        float g = Mix(ShadowColor.G, ThroatColor.G, TongueColor.G, InnerLipColor.G, fromTop, tongue, innerLip) * cornerDark;
        float r = Mix(ShadowColor.R, ThroatColor.R, TongueColor.R, InnerLipColor.R, fromTop, tongue, innerLip) * cornerDark;

        float teethBand = _teeth * Math.Min(gap, _maxTeeth + gap * 0.25f * _teeth);
        float intoTeeth = y - top;
        if (teethBand > 0.3f && intoTeeth < teethBand + 1)
        {
            float coverage = Math.Clamp(teethBand - intoTeeth, 0, 1);
            float light = (0.55f + 0.45f * MathF.Sqrt(lens)) * (0.78f + 0.22f * (1 - Math.Clamp(intoTeeth / teethBand, 0, 1)));
            float seam = (x - _face.MouthCenterX) / (_toothWidth * _width);
            if (MathF.Abs(seam) < 2.2f && MathF.Abs(seam - MathF.Round(seam)) * _toothWidth < 0.5f)
            {
                light *= 0.92f; // faint gaps between the front teeth
            }
            b = Lerp(b, TeethColor.B * light, coverage);
            g = Lerp(g, TeethColor.G * light, coverage);
            r = Lerp(r, TeethColor.R * light, coverage);
        }

        return (alpha, b, g, r);
    }

    private static float Mix(float shadow, float throat, float tongue, float innerLip, float fromTop, float tongueWeight, float innerLipWeight)
    {
        float c = Lerp(shadow, throat, SmoothStep(0.1f, 0.6f, fromTop));
        c = Lerp(c, tongue, tongueWeight);
        return Lerp(c, innerLip, innerLipWeight);
    }

    /// <summary>Downward displacement of a lower-face point: the lip's almond profile blends into the rigid jaw.</summary>
    private float LowerDrop(float sx, float sy)
    {
        float chin = _face.ChinY;
        float toChin = SmoothStep(_face.LipLineAt(sx), chin, sy);
        float jaw = 1 - SmoothStep(_jawInner, _jawOuter, MathF.Abs(sx - _face.MouthCenterX));
        float profile = Lerp(Lens(sx), jaw, toChin);
        float fade = 1 - SmoothStep(chin, chin + _chinFalloff, sy);
        return _open * profile * fade;
    }

    /// <summary>Horizontal move of the mouth corners (rounding pulls them in, spreading pushes them out).</summary>
    private float CornerShift(float sx, float sy)
    {
        float hw = _face.MouthHalfWidth;
        float dx = sx - _face.MouthCenterX;
        float across = 1 - SmoothStep(hw, hw * 2.1f, MathF.Abs(dx));
        float along = 1 - SmoothStep(hw * 0.3f, hw * 1.0f, MathF.Abs(sy - _face.LipLineAt(sx)));
        return (_width - 1) * dx * across * along;
    }

    /// <summary>
    /// Pressed lips look thinner (sample farther from the lip line within the lips' thickness); lips pushed forward
    /// look fuller (sample closer to it).
    /// </summary>
    private float Press(float sx, float sy)
    {
        if (_press == 0)
        {
            return sy;
        }

        float hw = _face.MouthHalfWidth;
        float d = sy - _face.LipLineAt(sx);
        float band = 1 - SmoothStep(hw * 0.25f, hw * 0.75f, MathF.Abs(d));
        return sy + d * 0.3f * _press * Lens(sx) * band;
    }

    /// <summary>Almond profile of the opening across the portrait's mouth: 1 at the centre, 0 at the corners.</summary>
    private float Lens(float sx) => LensAt((sx - _face.MouthCenterX) / _face.MouthHalfWidth);

    /// <summary>The same profile on the output, where the corners have moved by the width scale.</summary>
    private float OutputLens(float x) => LensAt((x - _face.MouthCenterX) / (_face.MouthHalfWidth * _width));

    private static float LensAt(float r)
    {
        float q = 1 - r * r;
        return q <= 0 ? 0 : MathF.Sqrt(q);
    }
}
