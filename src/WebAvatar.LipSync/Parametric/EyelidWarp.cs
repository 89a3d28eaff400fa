using static WebAvatar.LipSync.Parametric.Shaping;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// A blink on one eye as an inverse warp: the upper lid edge slides down to the lower lid, and the output above it
/// shows the lid skin between the crease and the open lid edge, stretched, so the eye is covered by real skin.
/// A faint shadow marks the lash line.
/// </summary>
internal sealed class EyelidWarp
{
    private readonly float _centerX;
    private readonly float _halfWidth;
    private readonly float _lidTop;
    private readonly float _lidBottom;
    private readonly float _skinTop;
    private float _closure;

    public EyelidWarp(Point2 eye, float radius)
    {
        _centerX = eye.X;
        _halfWidth = radius * 1.25f;
        _lidTop = eye.Y - radius * 0.5f;
        _lidBottom = eye.Y + radius * 0.42f;
        _skinTop = _lidTop - radius * 0.95f;
        Region = new Box(_centerX - _halfWidth, _skinTop, _halfWidth * 2, _lidBottom - _skinTop + 1);
    }

    /// <summary>Face-space area this warp may change.</summary>
    public Box Region { get; }

    public void SetClosure(float closure) => _closure = Math.Clamp(closure, 0, 1);

    public (float SrcY, float Shade) Map(float x, float y)
    {
        if (_closure <= 0 || y < _skinTop)
        {
            return (y, 1f);
        }

        // Lids close fully across the middle of the eye and less toward the corners.
        float across = 1 - SmoothStep(0.65f, 1f, MathF.Abs(x - _centerX) / _halfWidth);
        float lidEdge = _lidTop + _closure * across * (_lidBottom - _lidTop);
        if (y > lidEdge)
        {
            return (y, 1f);
        }

        float srcY = _skinTop + (y - _skinTop) * (_lidTop - _skinTop) / Math.Max(0.5f, lidEdge - _skinTop);
        float lashes = 1 - SmoothStep(0f, 1.6f, lidEdge - y);
        float shade = 1 - 0.35f * lashes * across * SmoothStep(0.2f, 0.6f, _closure);
        return (srcY, shade);
    }
}
