using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.LipSync;

/// <summary>Which lip-sync engine draws the avatar.</summary>
public enum LipSyncEngineKind
{
    /// <summary>Wav2Lip when its model is present, otherwise the parametric renderer.</summary>
    Auto,

    /// <summary>Warps the still portrait from audio energy and visemes; needs no model weights.</summary>
    Parametric,

    /// <summary>Neural lip-sync (needs the Wav2Lip ONNX model).</summary>
    Wav2Lip,
}

/// <summary>Settings of the configuration section "Avatar".</summary>
public sealed class AvatarOptions
{
    public const string SectionName = "Avatar";

    /// <summary>The portrait to animate (PNG/JPEG, frontal face), relative to the working directory or absolute.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "wwwroot-assets/avatars/default/avatar.png";

    [EnumDataType(typeof(LipSyncEngineKind))]
    public LipSyncEngineKind LipSync { get; set; } = LipSyncEngineKind.Auto;

    /// <summary><see cref="LipSync"/> as the engine name renderer selection takes ("auto", "parametric", "wav2lip").</summary>
    public string LipSyncEngineName => LipSync.ToString().ToLowerInvariant();

    /// <summary>Where per-avatar analysis results are cached, one sub-folder per image SHA-256.</summary>
    [Required(AllowEmptyStrings = false)]
    public string CacheDirectory { get; set; } = "wwwroot-assets/avatar-cache";

    /// <summary>Seed of the idle motion (blink times, head sway phases); sessions may vary it.</summary>
    public int MotionSeed { get; set; } = 1;

    /// <summary>
    /// The idle motion repeats every this many seconds, so a listening session replays a recorded loop instead of
    /// rendering and encoding every frame (see the session encoder's idle loop).
    /// </summary>
    [Range(4, 120)]
    public int IdleLoopSeconds { get; set; } = 20;

    /// <summary>The configured avatar's background (dashboard avatars carry their own choice).</summary>
    [ValidateObjectMembers]
    public AvatarBackgroundOptions Background { get; set; } = new();
}

/// <summary>Settings of "Avatar:Background": Mode Keep, Remove or Replace (with Color "#rrggbb" or ImagePath).</summary>
public sealed class AvatarBackgroundOptions
{
    [EnumDataType(typeof(AvatarBackgroundMode))]
    public AvatarBackgroundMode Mode { get; set; } = AvatarBackgroundMode.Keep;

    [RegularExpression("^#?[0-9a-fA-F]{6}$", ErrorMessage = "Use a colour as #rrggbb.")]
    public string? Color { get; set; }

    public string? ImagePath { get; set; }

    public AvatarBackground ToBackground() => new(Mode, string.IsNullOrWhiteSpace(Color) ? null : Color, string.IsNullOrWhiteSpace(ImagePath) ? null : AppPaths.Resolve(ImagePath));
}

/// <summary>The attribute rules of <see cref="AvatarOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class AvatarOptionsValidator : IValidateOptions<AvatarOptions>;

/// <summary>Cross-field rule the attributes cannot say: Replace needs exactly one of Color and ImagePath.</summary>
internal sealed class AvatarBackgroundRuleValidator : IValidateOptions<AvatarOptions>
{
    public ValidateOptionsResult Validate(string? name, AvatarOptions options) =>
        options.Background.ToBackground().Problem() is { } problem
            ? ValidateOptionsResult.Fail($"Avatar:Background: {problem}")
            : ValidateOptionsResult.Success;
}
