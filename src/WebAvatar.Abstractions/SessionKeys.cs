using System.Security.Cryptography;
using System.Text;

namespace WebAvatar;

/// <summary>
/// How a session is named where its id must not appear (the anonymous /api/metrics: knowing an id is enough to join
/// that session over WHEP). One-way, so a client that knows its own id can still find its session.
/// </summary>
public static class SessionKeys
{
    /// <summary>The first 16 hex digits (lower case) of the SHA-256 of the UTF-8 <paramref name="sessionId"/>.</summary>
    public static string Publish(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)))[..16];
    }
}
