using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Admin;

/// <summary>Section "Admin": upload limits and sign-in protection for the dashboard.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public const string Role = "Admin";

    public const int MinPasswordLength = 10;

    /// <summary>Largest avatar upload, in megabytes; enforced by Kestrel's request limit and again while streaming.</summary>
    [Range(1, 4096)]
    public int MaxUploadMegabytes { get; set; } = 200;

    /// <summary>Failed sign-ins in a row that lock the account.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    public long MaxUploadBytes => MaxUploadMegabytes * 1024L * 1024L;
}

/// <summary>The attribute rules of <see cref="AdminOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;
