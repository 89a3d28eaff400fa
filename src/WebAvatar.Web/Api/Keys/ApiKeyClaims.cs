using System.Globalization;
using System.Security.Claims;

namespace WebAvatar.Web.Api.Keys;

/// <summary>Claims of a caller authenticated with an API key. The key's name is the identity's name (<see cref="ClaimTypes.Name"/>).</summary>
public static class ApiKeyClaims
{
    /// <summary>The database id of the API key, as an invariant integer string.</summary>
    public const string KeyId = "webavatar:api_key_id";

    /// <summary>The id of the API key the caller authenticated with, or null when it did not use one.</summary>
    public static int? GetKeyId(ClaimsPrincipal? user) =>
        user?.FindFirst(KeyId)?.Value is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
