using System.Security.Cryptography;
using System.Text;

namespace WebAvatar;

/// <summary>
/// How a session is named where its id must not appear (the anonymous /api/metrics: knowing an id is enough to join
/// that session over WHEP). One-way, so a client that knows its own id can still find its session.
/// </summary>
public static class SessionKeys
{
    /// <summary>A new session id: 12 random hex digits (knowing one is enough to join that session over WHEP).</summary>
    public static string NewId() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>True for a string shaped like <see cref="NewId"/>'s (so a caller-chosen id cannot smuggle anything in).</summary>
    public static bool IsWellFormed(string? id) => id is { Length: 12 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The first 16 hex digits (lower case) of the SHA-256 of the UTF-8 <paramref name="sessionId"/>.</summary>
    public static string Publish(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)))[..16];
    }
}
