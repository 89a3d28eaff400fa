using System.Globalization;

namespace WebAvatar.LipSync;

/// <summary>What happens to the background of an avatar's own picture in its stream.</summary>
public enum AvatarBackgroundMode
{
    /// <summary>The picture as uploaded.</summary>
    Keep,

    /// <summary>Transparent: frames carry colour and alpha side by side (<see cref="WebAvatar.Media.VideoLayout.ColorAlphaSideBySide"/>).</summary>
    Remove,

    /// <summary>Composited on the server over a colour or an image; frames stay opaque.</summary>
    Replace,
}

/// <summary>
/// An avatar's background choice. <see cref="AvatarBackgroundMode.Replace"/> takes exactly one of <see cref="Color"/>
/// ("#rrggbb") and <see cref="ImagePath"/> (a picture file, scaled to cover the avatar).
/// </summary>
public sealed record AvatarBackground(AvatarBackgroundMode Mode, string? Color = null, string? ImagePath = null)
{
    public static AvatarBackground Keep { get; } = new(AvatarBackgroundMode.Keep);

    public static AvatarBackground Remove { get; } = new(AvatarBackgroundMode.Remove);

    public static AvatarBackground ReplaceWithColor(string color) => new(AvatarBackgroundMode.Replace, Color: color);

    /// <summary>Null when the choice is complete and well-formed, else why not.</summary>
    public string? Problem() => Mode switch
    {
        AvatarBackgroundMode.Replace when Color is null == ImagePath is null => "Replacing the background needs either a colour or an image.",
        AvatarBackgroundMode.Replace when Color is not null && !TryParseColor(Color, out _) => $"'{Color}' is not a colour: use #rrggbb.",
        AvatarBackgroundMode.Keep or AvatarBackgroundMode.Remove or AvatarBackgroundMode.Replace => null,
        _ => $"Unknown background mode {Mode}.",
    };

    /// <summary>What a renderer factory does first: throws <see cref="AvatarException"/> with the <see cref="Problem"/>, if any.</summary>
    public void ThrowIfInvalid()
    {
        if (Problem() is { } problem)
        {
            throw new AvatarException(problem);
        }
    }

    /// <summary>Parses "#rrggbb" (the '#' optional).</summary>
    public static bool TryParseColor(string? text, out (byte R, byte G, byte B) color)
    {
        color = default;
        var hex = text?.Trim().TrimStart('#');
        if (hex is not { Length: 6 } || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
        {
            return false;
        }

        color = ((byte)(value >> 16), (byte)(value >> 8), (byte)value);
        return true;
    }
}
