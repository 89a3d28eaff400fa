using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Api;

/// <summary>Section "Api": limits of the public API (/api/v1).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Sustained requests a minute per API key (per client address for calls without one); bursts up to the same number.</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinute { get; set; } = 120;
}

/// <summary>The attribute rules of <see cref="ApiOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class ApiOptionsValidator : IValidateOptions<ApiOptions>;
