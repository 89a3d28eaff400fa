using System.Text.Json.Serialization;

namespace WebAvatar.LipSync.Parametric;

/// <summary>An axis-aligned box in working-image pixels.</summary>
public readonly record struct Box(float X, float Y, float Width, float Height)
{
    [JsonIgnore]
    public float CenterX => X + Width / 2;

    [JsonIgnore]
    public float CenterY => Y + Height / 2;

    [JsonIgnore]
    public float Right => X + Width;

    [JsonIgnore]
    public float Bottom => Y + Height;

    public bool Contains(float x, float y) => x >= X && x <= Right && y >= Y && y <= Bottom;
}

/// <summary>A point in working-image pixels.</summary>
public readonly record struct Point2(float X, float Y);

/// <summary>
/// Where the parts of the face are, in pixels of the working image (the avatar scaled to at most
/// <see cref="AvatarImage.MaxWorkingSide"/> on its long side). Produced once per avatar and cached as JSON.
/// </summary>
/// <param name="ImageWidth">Working image width the coordinates refer to.</param>
/// <param name="ImageHeight">Working image height.</param>
/// <param name="Face">Face box from the frontal-face detector.</param>
/// <param name="LeftEye">Centre of the eye on the image's left.</param>
/// <param name="RightEye">Centre of the eye on the image's right.</param>
/// <param name="EyeRadius">Half the eye opening width; the blink warp covers this much around each centre.</param>
/// <param name="EyesDetected">False when the eye positions come from face-box proportions.</param>
/// <param name="MouthCenterX">Horizontal centre of the mouth.</param>
/// <param name="LipLineY">Row where the lips meet (the mouth opens here).</param>
/// <param name="SmileLift">How far above <paramref name="LipLineY"/> the lip line reaches at the mouth corners (a smile curves up).</param>
/// <param name="MouthHalfWidth">Half the distance between the mouth corners.</param>
/// <param name="TeethVisible">The portrait already shows its upper teeth (a smile): the mouth opens below them.</param>
/// <param name="NoseY">Base of the nose: the upper lip's motion fades out here.</param>
/// <param name="ChinY">Bottom of the chin: the jaw moves down as a whole above it.</param>
public sealed record FaceGeometry(
    int ImageWidth,
    int ImageHeight,
    Box Face,
    Point2 LeftEye,
    Point2 RightEye,
    float EyeRadius,
    bool EyesDetected,
    float MouthCenterX,
    float LipLineY,
    float SmileLift,
    float MouthHalfWidth,
    bool TeethVisible,
    float NoseY,
    float ChinY)
{
    /// <summary>True when the values are finite, positive where they must be, and inside the image (guards a tampered cache).</summary>
    public bool IsPlausible()
    {
        bool Inside(float x, float y) => float.IsFinite(x) && float.IsFinite(y) && x >= 0 && y >= 0 && x < ImageWidth && y < ImageHeight;
        return ImageWidth > 0 && ImageHeight > 0
            && Face.Width > 0 && Face.Height > 0 && Inside(Face.CenterX, Face.CenterY)
            && Inside(LeftEye.X, LeftEye.Y) && Inside(RightEye.X, RightEye.Y) && LeftEye.X < RightEye.X
            && float.IsFinite(EyeRadius) && EyeRadius > 0
            && Inside(MouthCenterX, LipLineY) && float.IsFinite(MouthHalfWidth) && MouthHalfWidth > 1
            && float.IsFinite(SmileLift) && SmileLift >= 0 && SmileLift < MouthHalfWidth
            && float.IsFinite(NoseY) && NoseY < LipLineY && float.IsFinite(ChinY) && ChinY > LipLineY;
    }

    /// <summary>Row of the lip line at column <paramref name="x"/>: a parabola through the centre and the raised corners.</summary>
    public float LipLineAt(float x)
    {
        float r = Math.Clamp((x - MouthCenterX) / MouthHalfWidth, -1.1f, 1.1f);
        return LipLineY - SmileLift * r * r;
    }

    /// <summary>A generous box around lips and jaw, where speech changes pixels.</summary>
    [JsonIgnore]
    public Box MouthRegion => new(
        MouthCenterX - MouthHalfWidth * 1.6f,
        NoseY - SmileLift,
        MouthHalfWidth * 3.2f,
        ChinY - NoseY + SmileLift + (ChinY - LipLineY) * 0.6f);

    /// <summary>The head including hair, as a box; the idle head sway is confined to around it.</summary>
    [JsonIgnore]
    public Box Head => new(Face.X - Face.Width * 0.25f, Face.Y - Face.Height * 0.45f, Face.Width * 1.5f, Face.Height * 1.75f);
}

/// <summary>The analysis of one avatar image and whether it came from the cache.</summary>
public sealed record FaceAnalysis(FaceGeometry Geometry, string ImageSha256, bool FromCache);
