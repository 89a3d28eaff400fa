namespace WebAvatar.LipSync.Matting;

/// <summary>The backing colour of a chroma-key screen.</summary>
public enum ScreenColor
{
    Green,
    Blue,
}
