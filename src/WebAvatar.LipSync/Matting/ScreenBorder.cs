namespace WebAvatar.LipSync.Matting;

/// <summary>
/// What <see cref="ChromaKeyer"/> measured on a picture's border: the screen's colour and the key dominance a third of the
/// way up its sorted spread, the level keying scales its transparent and opaque thresholds from.
/// </summary>
public readonly record struct ScreenBorder(ScreenColor Color, int Level);
