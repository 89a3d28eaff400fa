using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web;

/// <summary>Section "WebAvatar": where the installation keeps its files.</summary>
public sealed class WebAvatarOptions
{
    public const string SectionName = "WebAvatar";

    /// <summary>Folder the health page lists model files from, relative to the install root or absolute.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ModelsPath { get; set; } = "models";
}

/// <summary>The attribute rules of <see cref="WebAvatarOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class WebAvatarOptionsValidator : IValidateOptions<WebAvatarOptions>;
