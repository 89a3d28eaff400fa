using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace WebAvatar.Web.Api.Keys;

/// <summary>The secret's format: "wa_" followed by 32 random bytes in base64url (43 characters).</summary>
internal static class ApiKeySecret
{
    public const string Marker = "wa_";
    public const int PrefixLength = 8;

    private const int RandomBytes = 32;
    private const int Length = 46; // "wa_" + 43 base64url characters

    public static string Generate() => Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    public static bool IsWellFormed(string? secret)
    {
        if (secret is not { Length: Length } || !secret.StartsWith(Marker, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in secret.AsSpan(Marker.Length))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    public static string PrefixOf(string secret) => secret.Substring(Marker.Length, PrefixLength);

    // A fast unsalted hash is enough: the secret has 256 random bits, so there is nothing to guess or precompute.
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
