using System.Globalization;

namespace WebAvatar.Web.Api.Sessions;

/// <summary>The <see cref="WebAvatar.Sessions.SessionSpec.Owner"/> string of a session created through the API: "key:" and the API key's id.</summary>
public static class SessionOwner
{
    private const string ApiKeyPrefix = "key:";

    public static string ForApiKey(int keyId) => ApiKeyPrefix + keyId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The API key id in an owner written by <see cref="ForApiKey"/>; false for any other owner ("admin", "page", none).</summary>
    public static bool TryParseApiKey(string? owner, out int keyId)
    {
        keyId = 0;
        return owner is not null
            && owner.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
            && int.TryParse(owner.AsSpan(ApiKeyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out keyId);
    }
}
