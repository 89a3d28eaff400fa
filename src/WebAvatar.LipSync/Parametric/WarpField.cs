using OpenCvSharp;
using static WebAvatar.LipSync.Parametric.Shaping;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// Builds, per frame, the remap tables that turn the still portrait into the current frame: a head sway confined
/// to the head by a soft mask (the background stays put), shoulders that rise with breathing, and the local mouth
/// and eyelid warps in face coordinates. Also fills the paint overlays (mouth cavity, lid shadow). All buffers are
/// allocated once per renderer.
/// </summary>
internal sealed class WarpField : IDisposable
{
    private readonly int _width;
    private readonly int _height;
    private readonly float[] _headWeight;
    private readonly float[] _bodyWeight;
    private readonly Rect _support;
    private readonly Point2 _pivot;
    private readonly MouthWarp _mouth;
    private readonly EyelidWarp[] _eyelids;

    public WarpField(FaceGeometry face)
    {
        _width = face.ImageWidth;
        _height = face.ImageHeight;
        _support = MovingArea(face);
        MapX = new Mat(Math.Max(1, _support.Height), Math.Max(1, _support.Width), MatType.CV_32FC1);
        MapY = new Mat(Math.Max(1, _support.Height), Math.Max(1, _support.Width), MatType.CV_32FC1);
        _headWeight = new float[_support.Width * _support.Height];
        _bodyWeight = new float[_support.Width * _support.Height];
        _pivot = new Point2(face.Face.CenterX, face.ChinY + face.Face.Height * 0.25f);
        _mouth = new MouthWarp(face);
        _eyelids = [new EyelidWarp(face.LeftEye, face.EyeRadius), new EyelidWarp(face.RightEye, face.EyeRadius)];
        ComputeWeights(face);

        const int pad = 4; // head sway moves face-space regions by a few pixels on the output
        // Overlays stay inside the support: pixels outside it are never redrawn, so paint there would stick.
        MouthOverlay = new OverlayRegion(Clip(_mouth.Region, pad).Intersect(_support));
        EyeOverlays = _eyelids.Select(e => new OverlayRegion(Clip(e.Region, pad).Intersect(_support))).ToArray();
    }

    /// <summary>
    /// The only part of the image that ever changes (head, neck, shoulders); the maps cover exactly this rectangle
    /// and hold absolute source coordinates.
    /// </summary>
    public Rect Support => _support;

    public Mat MapX { get; }

    public Mat MapY { get; }

    public OverlayRegion MouthOverlay { get; }

    public IReadOnlyList<OverlayRegion> EyeOverlays { get; }

    public unsafe void Build(IdlePose idle, MouthPose mouthPose)
    {
        _mouth.SetPose(mouthPose);
        foreach (var lid in _eyelids)
        {
            lid.SetClosure(idle.Blink);
        }

        MouthOverlay.Clear();
        foreach (var overlay in EyeOverlays)
        {
            overlay.Clear();
        }

        // Inverse of "rotate about the neck, then shift": q = R^T (p - pivot - shift) + pivot.
        float angle = idle.HeadRotationDegrees * MathF.PI / 180f;
        float cos = MathF.Cos(angle), sin = MathF.Sin(angle);
        float ox = _pivot.X + idle.HeadShiftX, oy = _pivot.Y + idle.HeadShiftY;

        var mouthBox = _mouth.Region;
        bool mouthActive = _mouth.IsActive;
        float* mapX = (float*)MapX.Data;
        float* mapY = (float*)MapY.Data;
        for (int y = _support.Y; y < _support.Bottom; y++)
        {
            int row = (y - _support.Y) * _support.Width - _support.X;
            for (int x = _support.X; x < _support.Right; x++)
            {
                int i = row + x;
                float wHead = _headWeight[i];
                float wBody = _bodyWeight[i];
                float qx = x, qy = y - wBody * idle.BreathShiftY;
                if (wHead > 0)
                {
                    float dx = x - ox, dy = y - oy;
                    float hx = cos * dx + sin * dy + _pivot.X;
                    float hy = -sin * dx + cos * dy + _pivot.Y;
                    qx += (hx - qx) * wHead;
                    qy += (hy - qy) * wHead;
                }

                float sx = qx, sy = qy;
                if (mouthActive && mouthBox.Contains(qx, qy))
                {
                    var m = _mouth.Map(qx, qy);
                    sx = m.SrcX;
                    sy = m.SrcY;
                    if (MouthOverlay.Contains(x, y))
                    {
                        if (m.Alpha > 0)
                        {
                            MouthOverlay.SetColor(x, y, m.Alpha, m.B, m.G, m.R);
                        }

                        if (m.Shade < 1)
                        {
                            MouthOverlay.SetShade(x, y, m.Shade);
                        }
                    }
                }
                else if (idle.Blink > 0)
                {
                    for (int e = 0; e < _eyelids.Length; e++)
                    {
                        if (_eyelids[e].Region.Contains(qx, qy))
                        {
                            var (srcY, shade) = _eyelids[e].Map(qx, qy);
                            sy = srcY;
                            if (shade < 1 && EyeOverlays[e].Contains(x, y))
                            {
                                EyeOverlays[e].SetShade(x, y, shade);
                            }

                            break;
                        }
                    }
                }

                mapX[i] = sx;
                mapY[i] = sy;
            }
        }
    }

    public void Dispose()
    {
        MapX.Dispose();
        MapY.Dispose();
    }

    /// <summary>Head, neck and upper shoulders: every weight below falls to zero inside this rectangle.</summary>
    private Rect MovingArea(FaceGeometry face)
    {
        float fw = face.Face.Width, fh = face.Face.Height;
        var area = new Box(face.Face.CenterX - fw * 1.7f, face.Face.CenterY - fh * 1.3f, fw * 3.4f, face.ChinY - face.Face.CenterY + fh * 2.4f);
        return Clip(area, 0);
    }

    /// <summary>
    /// Head weight: 1 over the head (with hair), fading to 0 around it. Body weight: neck and shoulders rise with
    /// breathing, fading out before the edges of <see cref="Support"/>.
    /// </summary>
    private void ComputeWeights(FaceGeometry face)
    {
        var head = face.Head;
        float fw = face.Face.Width, fh = face.Face.Height;
        float radiusX = head.Width / 2, radiusY = head.Height / 2;
        float bottom = _support.Bottom;
        for (int y = _support.Y; y < _support.Bottom; y++)
        {
            for (int x = _support.X; x < _support.Right; x++)
            {
                float ex = (x - head.CenterX) / radiusX, ey = (y - head.CenterY) / radiusY;
                float wHead = 1 - SmoothStep(0.85f, 1.3f, MathF.Sqrt(ex * ex + ey * ey));
                float across = 1 - SmoothStep(fw * 1.1f, fw * 1.6f, MathF.Abs(x - face.Face.CenterX));
                float down = SmoothStep(face.Face.CenterY, face.ChinY + fh * 0.3f, y) * (1 - SmoothStep(bottom - fh * 0.6f, bottom - 1, y));
                int i = (y - _support.Y) * _support.Width + (x - _support.X);
                _headWeight[i] = wHead;
                _bodyWeight[i] = across * down;
            }
        }
    }

    private Rect Clip(Box box, int pad)
    {
        int x0 = Math.Clamp((int)MathF.Floor(box.X) - pad, 0, _width);
        int y0 = Math.Clamp((int)MathF.Floor(box.Y) - pad, 0, _height);
        int x1 = Math.Clamp((int)MathF.Ceiling(box.Right) + pad, 0, _width);
        int y1 = Math.Clamp((int)MathF.Ceiling(box.Bottom) + pad, 0, _height);
        return new Rect(x0, y0, x1 - x0, y1 - y0);
    }
}
