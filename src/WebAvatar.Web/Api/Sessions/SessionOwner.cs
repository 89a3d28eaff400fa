using System.Globalization;

namespace WebAvatar.Web.Api.Sessions;

/// <summary>
/// The <see cref="WebAvatar.Sessions.SessionSpec.Owner"/> string of a session: "key:" and the API key's id for the API, "page:"
/// and the tab's secret token for a chat page, "admin" for the dashboard's broadcasts.
/// </summary>
public static class SessionOwner
{
    private const string ApiKeyPrefix = "key:";
    private const string PagePrefix = "page:";

    public static string ForApiKey(int keyId) => ApiKeyPrefix + keyId.ToString(CultureInfo.InvariantCulture);

    /// <summary>A chat page's owner: only the tab that keeps <paramref name="token"/> can drive or resume the session.</summary>
    public static string ForPage(string token) => PagePrefix + token;

    /// <summary>The API key id in an owner written by <see cref="ForApiKey"/>; false for any other owner ("admin", "page", none).</summary>
    public static bool TryParseApiKey(string? owner, out int keyId)
    {
        keyId = 0;
        return owner is not null
            && owner.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
            && int.TryParse(owner.AsSpan(ApiKeyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out keyId);
    }
}
