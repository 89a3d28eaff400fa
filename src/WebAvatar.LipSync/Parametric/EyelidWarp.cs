using static WebAvatar.LipSync.Parametric.Shaping;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// A blink on one eye as an inverse warp. The upper lid edge (an arc over the eye) slides down toward the lower lid
/// (an arc under it); above the moving edge the output shows the lid skin between the crease and the open lid
/// edge, stretched, so the eye is covered by the portrait's own skin and lashes. Both arcs meet at the eye corners,
/// so nothing moves there and the warp has no visible border.
/// </summary>
internal sealed class EyelidWarp
{
    private readonly float _centerX;
    private readonly float _centerY;
    private readonly float _halfWidth;
    private readonly float _upperRise;
    private readonly float _lowerDrop;
    private readonly float _skinHeight;
    private float _closure;

    public EyelidWarp(Point2 eye, float radius)
    {
        _centerX = eye.X;
        _centerY = eye.Y;
        _halfWidth = radius * 1.1f;
        _upperRise = radius * 0.42f;
        _lowerDrop = radius * 0.36f;
        _skinHeight = radius * 0.6f;
        Region = new Box(_centerX - _halfWidth, _centerY - _upperRise - _skinHeight, _halfWidth * 2, _upperRise + _skinHeight + _lowerDrop + 1);
    }

    /// <summary>Face-space area this warp may change.</summary>
    public Box Region { get; }

    public void SetClosure(float closure) => _closure = Math.Clamp(closure, 0, 1);

    public (float SrcY, float Shade) Map(float x, float y)
    {
        float r = (x - _centerX) / _halfWidth;
        float arc = 1 - r * r;
        if (_closure <= 0 || arc <= 0)
        {
            return (y, 1f);
        }

        float openLid = _centerY - _upperRise * arc;
        float skinTop = openLid - _skinHeight * arc;
        if (y < skinTop)
        {
            return (y, 1f);
        }

        // A closed lid follows the lower lid's arc, dipping slightly less (the lid rests on the lower lashes).
        float closedLid = _centerY + _lowerDrop * 0.8f * arc;
        float lidEdge = Lerp(openLid, closedLid, _closure);
        if (y > lidEdge)
        {
            return (y, 1f);
        }

        float srcY = skinTop + (y - skinTop) * (openLid - skinTop) / Math.Max(0.5f, lidEdge - skinTop);
        float lashes = 1 - SmoothStep(0f, 1.5f, lidEdge - y);
        float shade = 1 - 0.25f * lashes * MathF.Sqrt(arc) * SmoothStep(0.3f, 0.8f, _closure);
        return (srcY, shade);
    }
}
