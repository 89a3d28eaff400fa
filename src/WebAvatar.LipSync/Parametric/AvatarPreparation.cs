using WebAvatar.LipSync.Matting;

namespace WebAvatar.LipSync.Parametric;

/// <summary>
/// What <see cref="ParametricAvatarRendererFactory.PrepareAsync"/> found for an avatar picture: its face analysis and its matte
/// (both at the working size sessions use), or why the background cannot be separated.
/// </summary>
public sealed record AvatarPreparation(FaceAnalysis Analysis, AlphaMatte? Matte, string? MatteProblem);
