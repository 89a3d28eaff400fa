using Microsoft.EntityFrameworkCore;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Streams;

/// <summary>What the dashboard and API show of a target: the key only masked.</summary>
public sealed record StreamTargetView(int Id, string Name, string RtmpUrl, string MaskedKey, bool HasKey);

/// <summary>RTMP targets. Stream keys are stored and handed only to the mirror, never returned in full.</summary>
public sealed class StreamTargetStore(IDbContextFactory<WebAvatarDbContext> db, TimeProvider time)
{
    public static string Mask(string key) =>
        string.IsNullOrEmpty(key) ? string.Empty : key.Length <= 4 ? new string('•', 8) : new string('•', 8) + key[^4..];

    public static StreamTargetView ToView(StreamTarget t) => new(t.Id, t.Name, t.RtmpUrl, Mask(t.StreamKey), t.StreamKey.Length > 0);

    public async Task<IReadOnlyList<StreamTargetView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var all = await context.StreamTargets.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        return all.Select(ToView).ToList();
    }

    /// <summary>The full target including the key, for handing to the mirror only.</summary>
    internal async Task<StreamTarget?> GetWithKeyAsync(int id, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.StreamTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
    }

    public async Task<StreamTargetView> AddAsync(string name, string rtmpUrl, string streamKey, CancellationToken cancellationToken)
    {
        Validate(name, rtmpUrl);
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var target = new StreamTarget { Name = name.Trim(), RtmpUrl = rtmpUrl.Trim(), StreamKey = streamKey?.Trim() ?? string.Empty, CreatedUtc = time.GetUtcNow().UtcDateTime };
        context.StreamTargets.Add(target);
        await context.SaveChangesAsync(cancellationToken);
        return ToView(target);
    }

    /// <summary>Updates name and URL; the key changes only when <paramref name="newStreamKey"/> is not empty (the UI never has the old one).</summary>
    public async Task UpdateAsync(int id, string name, string rtmpUrl, string? newStreamKey, CancellationToken cancellationToken)
    {
        Validate(name, rtmpUrl);
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var target = await context.StreamTargets.FirstOrDefaultAsync(t => t.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"Stream target {id} does not exist.");
        target.Name = name.Trim();
        target.RtmpUrl = rtmpUrl.Trim();
        if (!string.IsNullOrWhiteSpace(newStreamKey))
        {
            target.StreamKey = newStreamKey.Trim();
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.StreamTargets.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    private static void Validate(string name, string rtmpUrl)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            throw new ArgumentException("A stream target needs a name of 1 to 100 characters.", nameof(name));
        }

        if (!Uri.TryCreate(rtmpUrl?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != "rtmp" && uri.Scheme != "rtmps"))
        {
            throw new ArgumentException($"'{rtmpUrl}' is not an RTMP URL; use rtmp://host/app or rtmps://host/app.", nameof(rtmpUrl));
        }
    }
}
