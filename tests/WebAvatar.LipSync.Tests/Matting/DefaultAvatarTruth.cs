using OpenCvSharp;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>
/// Hand-drawn ground truth for the default avatar (wwwroot-assets/avatars/default/avatar.png, 512 x 512, Eileen Collins):
/// the outline of the person, traced on the picture at 3-4x zoom to within about 2 px, clockwise from the top of her hair.
/// Her hair, face, suit, neck ring and the helmet in the lower right all count as the person: the helmet stands in front of
/// her arm and body, so making it transparent would cut a hole where she is, with nothing behind it to show.
/// </summary>
internal static class DefaultAvatarTruth
{
    public const int Size = 512;

    public static readonly Point[] Person =
    [
        // hair and face, right side
        new(233, 16), new(258, 19), new(278, 30), new(293, 47), new(300, 70), new(300, 90), new(293, 107), new(278, 125),
        new(272, 136), new(263, 155), new(258, 172), new(253, 175),
        // neck ring, right
        new(278, 190), new(298, 212), new(303, 235),
        // suit, right shoulder
        new(323, 249), new(338, 259), new(348, 275), new(354, 299), new(359, 325), new(363, 345),
        // helmet rim, down to the bottom right corner
        new(383, 345), new(406, 345), new(433, 349), new(456, 362), new(476, 382), new(489, 409), new(496, 435), new(499, 459),
        new(504, 469), new(509, 492), new(511, 511),
        // along the bottom edge, then up her left arm (the picture's left)
        new(32, 511), new(27, 479), new(23, 445), new(20, 405), new(22, 365), new(27, 332), new(33, 312), new(43, 285),
        new(57, 259), new(73, 239), new(97, 219), new(113, 202), new(115, 192),
        // neck ring, left
        new(128, 165), new(143, 152), new(165, 149), new(187, 150),
        // face and hair, left side
        new(180, 130), new(174, 120), new(163, 105), new(155, 90), new(154, 70), new(160, 57), new(178, 47), new(193, 32), new(210, 22),
    ];

    /// <summary>Background well away from her outline: the flag on the left and the shuttle model on the right.</summary>
    public static readonly Rect[] Flag = [new(0, 0, 45, 230), new(0, 230, 15, 282)];

    public static readonly Rect[] Shuttle = [new(355, 0, 115, 280)];

    public static bool[] PersonMask()
    {
        using var mask = new Mat(Size, Size, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(mask, [Person], Scalar.All(255));
        var bytes = new byte[Size * Size];
        System.Runtime.InteropServices.Marshal.Copy(mask.Data, bytes, 0, bytes.Length);
        return bytes.Select(b => b != 0).ToArray();
    }
}
