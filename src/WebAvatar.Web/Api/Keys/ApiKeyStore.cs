using Microsoft.EntityFrameworkCore;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Api.Keys;

/// <summary>What the dashboard and admin API show of a key: never the secret, only its first characters.</summary>
public sealed record ApiKeyView(int Id, string Name, string Prefix, DateTime CreatedUtc, DateTime? LastUsedUtc, DateTime? RevokedUtc, string? AllowedOrigins = null)
{
    public bool IsRevoked => RevokedUtc is not null;

    /// <summary>How the key starts, e.g. "wa_Ab3dEf9h…".</summary>
    public string Hint => ApiKeySecret.Marker + Prefix + "…";
}

/// <summary>A new key with its secret: the only moment the secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(int Id, string Name, string Prefix, string Secret);

/// <summary>API keys for the public API. Only the SHA-256 of each secret is stored; keys are looked up by that hash.</summary>
public sealed partial class ApiKeyStore(IDbContextFactory<WebAvatarDbContext> db, TimeProvider time, ILogger<ApiKeyStore> logger)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Creates a key and returns its secret, which is not stored and cannot be shown again.</summary>
    public async Task<CreatedApiKey> CreateAsync(string name, CancellationToken cancellationToken) => await CreateAsync(name, null, cancellationToken);

    /// <summary>
    /// Creates a key whose widget may run on <paramref name="allowedOrigins"/> (see <see cref="Widget.AllowedOrigins"/>); throws
    /// <see cref="ArgumentException"/> naming a bad entry.
    /// </summary>
    public async Task<CreatedApiKey> CreateAsync(string name, string? allowedOrigins, CancellationToken cancellationToken)
    {
        var trimmed = ValidateName(name);
        var origins = Widget.AllowedOrigins.Format(Widget.AllowedOrigins.Parse(allowedOrigins));
        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Name = trimmed,
            Prefix = ApiKeySecret.PrefixOf(secret),
            Hash = ApiKeySecret.Hash(secret),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            AllowedOrigins = origins,
        };
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        context.ApiKeys.Add(key);
        await context.SaveChangesAsync(cancellationToken);
        LogCreated(logger, key.Id, key.Name);
        return new CreatedApiKey(key.Id, key.Name, key.Prefix, secret);
    }

    /// <summary>All keys, active ones first, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var all = await context.ApiKeys.AsNoTracking()
            .Select(k => new ApiKeyView(k.Id, k.Name, k.Prefix, k.CreatedUtc, k.LastUsedUtc, k.RevokedUtc, k.AllowedOrigins))
            .ToListAsync(cancellationToken);
        return all.OrderBy(k => k.IsRevoked).ThenByDescending(k => k.Id).ToList();
    }

    /// <summary>Revokes a key for good; false when there is no such key. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        if (await context.ApiKeys.Where(k => k.Id == id && k.RevokedUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedUtc, now), cancellationToken) > 0)
        {
            LogRevoked(logger, id);
            return true;
        }

        return await context.ApiKeys.AnyAsync(k => k.Id == id, cancellationToken);
    }

    /// <summary>Replaces the origins a key's widget may run on; false when there is no such key. Throws for a bad entry.</summary>
    public async Task<bool> SetAllowedOriginsAsync(int id, string? allowedOrigins, CancellationToken cancellationToken)
    {
        var origins = Widget.AllowedOrigins.Format(Widget.AllowedOrigins.Parse(allowedOrigins));
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.ApiKeys.Where(k => k.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.AllowedOrigins, origins), cancellationToken) > 0;
    }

    /// <summary>The stored allowed origins of the key with this secret or id (null when none or no such key).</summary>
    public async Task<string?> AllowedOriginsAsync(string? secret, int? id, CancellationToken cancellationToken)
    {
        string? hash = ApiKeySecret.IsWellFormed(secret) ? ApiKeySecret.Hash(secret!) : null;
        if (hash is null && id is null)
        {
            return null;
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.ApiKeys.AsNoTracking()
            .Where(k => k.RevokedUtc == null && (hash != null ? k.Hash == hash : k.Id == id))
            .Select(k => k.AllowedOrigins)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The id of the key with this secret, or null when the secret is malformed, unknown or revoked.</summary>
    public async Task<int?> ValidateAsync(string? secret, CancellationToken cancellationToken) =>
        await CheckAsync(secret, cancellationToken) is { Outcome: ApiKeyCheckOutcome.Valid, KeyId: var id } ? id : null;

    /// <summary>Looks a secret up by its hash and says whether it is valid, unknown or revoked; a valid use is recorded (at most once a minute).</summary>
    public async Task<ApiKeyCheck> CheckAsync(string? secret, CancellationToken cancellationToken)
    {
        if (!ApiKeySecret.IsWellFormed(secret))
        {
            return ApiKeyCheck.Unknown;
        }

        var hash = ApiKeySecret.Hash(secret!);
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var key = await context.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash)
            .Select(k => new { k.Id, k.Name, k.RevokedUtc, k.LastUsedUtc })
            .FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return ApiKeyCheck.Unknown;
        }

        if (key.RevokedUtc is not null)
        {
            return new ApiKeyCheck(ApiKeyCheckOutcome.Revoked, key.Id, key.Name);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (key.LastUsedUtc is not { } last || now - last >= LastUsedResolution)
        {
            // The condition is repeated in the update so that concurrent requests do not all write.
            var staleBefore = now - LastUsedResolution;
            await context.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedUtc == null || k.LastUsedUtc <= staleBefore))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedUtc, now), cancellationToken);
        }

        return new ApiKeyCheck(ApiKeyCheckOutcome.Valid, key.Id, key.Name);
    }

    private static string ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > ApiKey.MaxNameLength)
        {
            throw new ArgumentException($"An API key needs a name of 1 to {ApiKey.MaxNameLength} characters.", nameof(name));
        }

        return trimmed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} '{Name}' created")]
    private static partial void LogCreated(ILogger logger, int keyId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} revoked")]
    private static partial void LogRevoked(ILogger logger, int keyId);
}
