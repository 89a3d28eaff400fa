namespace WebAvatar.Data.Entities;

/// <summary>
/// A key for the public API (/api/v1). Only the SHA-256 of the secret is stored: the secret itself is shown once,
/// when the key is created, and cannot be recovered.
/// </summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 100;

    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the secret after its "wa_" marker, so admins can tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lowercase hex SHA-256 of the whole secret ("wa_..."); unique.</summary>
    public required string Hash { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? RevokedUtc { get; set; }

    /// <summary>Updated at most about once a minute, so authenticating is not a write per request.</summary>
    public DateTime? LastUsedUtc { get; set; }

    /// <summary>Browser origins a widget may use this key from ("https://a.example, http://localhost:8080"); null: none, only same-origin and non-browser use.</summary>
    public string? AllowedOrigins { get; set; }
}
