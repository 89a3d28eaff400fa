namespace WebAvatar.Web.Api.Widget;

/// <summary>
/// The browser origins a key's widget may run on, as an admin types them ("https://shop.example.com, http://localhost:8080"):
/// scheme, host and port only, http or https, normalised to the form browsers send in their Origin header.
/// </summary>
public static class AllowedOrigins
{
    public const int MaxLength = 2000;

    /// <summary>The normalised list, or an <see cref="ArgumentException"/> naming the entry that is not an origin.</summary>
    public static IReadOnlyList<string> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        if (text.Length > MaxLength)
        {
            throw new ArgumentException($"Allowed origins are limited to {MaxLength} characters.", nameof(text));
        }

        var origins = new List<string>();
        foreach (var entry in text.Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException($"'{entry}' is not an origin: write scheme, host and port only, e.g. https://www.example.com or http://localhost:8080.", nameof(text));
            }

            var origin = Normalise(uri);
            if (!origins.Contains(origin, StringComparer.Ordinal))
            {
                origins.Add(origin);
            }
        }

        return origins;
    }

    /// <summary>Stored form: one line of comma-separated origins, or null for none.</summary>
    public static string? Format(IReadOnlyList<string> origins) => origins.Count == 0 ? null : string.Join(", ", origins);

    /// <summary>True when <paramref name="origin"/> (an Origin header) is one of <paramref name="stored"/> (the key's column).</summary>
    public static bool Allows(string? stored, string origin)
    {
        if (string.IsNullOrWhiteSpace(stored) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var wanted = Normalise(uri);
        return stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains(wanted, StringComparer.Ordinal);
    }

    private static string Normalise(Uri uri)
    {
        // IdnHost drops an IPv6 address's brackets, which Origin headers keep.
        var host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost.ToLowerInvariant();
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
