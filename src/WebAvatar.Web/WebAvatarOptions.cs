using System.ComponentModel.DataAnnotations;

namespace WebAvatar.Web;

/// <summary>Section "WebAvatar": where the installation keeps its files.</summary>
public sealed class WebAvatarOptions
{
    public const string SectionName = "WebAvatar";

    /// <summary>Folder the health page lists model files from, relative to the install root or absolute.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ModelsPath { get; set; } = "models";
}
