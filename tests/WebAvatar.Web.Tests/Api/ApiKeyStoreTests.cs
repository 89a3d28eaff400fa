using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Web.Api.Keys;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

public class ApiKeyStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Only_a_hash_and_a_short_prefix_of_the_secret_are_stored()
    {
        await using var db = await CreateAsync(new ManualTimeProvider(Start));
        var created = await db.Services.GetRequiredService<ApiKeyStore>().CreateAsync("  Kiosk  ", CancellationToken.None);
        var secret = created.Secret;
        Assert.Matches("^wa_[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal("Kiosk", created.Name);
        Assert.Equal(secret[3..11], created.Prefix);

        await using var context = await db.Contexts.CreateDbContextAsync();
        var row = await context.ApiKeys.AsNoTracking().SingleAsync();
        Assert.Equal(64, row.Hash.Length);
        Assert.Equal(created.Prefix, row.Prefix);
        Assert.Equal(Start.UtcDateTime, row.CreatedUtc);
        Assert.Null(row.LastUsedUtc);
        foreach (var column in new[] { row.Name, row.Prefix, row.Hash, row.AllowedOrigins ?? string.Empty })
        {
            Assert.DoesNotContain(secret[11..], column, StringComparison.Ordinal);
        }

        // The database files themselves (EF creates them in WAL mode), not just what EF hands back.
        var stored = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(db.Folder, "test.db*"))
        {
            await using var read = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await read.CopyToAsync(bytes);
            stored.Append(Encoding.ASCII.GetString(bytes.ToArray()));
        }

        Assert.Contains(row.Hash, stored.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret[11..], stored.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_list_validate_revoke_round_trip()
    {
        var clock = new ManualTimeProvider(Start);
        await using var db = await CreateAsync(clock);
        var store = db.Services.GetRequiredService<ApiKeyStore>();
        var kiosk = await store.CreateAsync("Kiosk", CancellationToken.None);
        var widget = await store.CreateAsync("Widget", CancellationToken.None);
        Assert.NotEqual(kiosk.Secret, widget.Secret);

        var listed = await store.ListAsync(CancellationToken.None);
        Assert.Equal(["Widget", "Kiosk"], listed.Select(k => k.Name));
        Assert.Equal("wa_" + kiosk.Prefix + "…", listed[1].Hint);
        Assert.DoesNotContain(kiosk.Secret, System.Text.Json.JsonSerializer.Serialize(listed));

        Assert.Equal(kiosk.Id, await store.ValidateAsync(kiosk.Secret, CancellationToken.None));
        Assert.Equal(widget.Id, await store.ValidateAsync(widget.Secret, CancellationToken.None));
        Assert.Null(await store.ValidateAsync(kiosk.Secret[..^1] + (kiosk.Secret[^1] == 'A' ? 'B' : 'A'), CancellationToken.None));
        Assert.Null(await store.ValidateAsync("wa_short", CancellationToken.None));
        Assert.Null(await store.ValidateAsync(null, CancellationToken.None));

        Assert.True(await store.RevokeAsync(kiosk.Id, CancellationToken.None));
        Assert.Null(await store.ValidateAsync(kiosk.Secret, CancellationToken.None));
        Assert.Equal(ApiKeyCheckOutcome.Revoked, (await store.CheckAsync(kiosk.Secret, CancellationToken.None)).Outcome);
        Assert.Equal(widget.Id, await store.ValidateAsync(widget.Secret, CancellationToken.None));
        Assert.False(await store.RevokeAsync(9999, CancellationToken.None));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await store.RevokeAsync(kiosk.Id, CancellationToken.None));
        listed = await store.ListAsync(CancellationToken.None);
        Assert.Equal(["Widget", "Kiosk"], listed.Select(k => k.Name));
        Assert.Equal(Start.UtcDateTime, listed[1].RevokedUtc);
        Assert.False(listed[0].IsRevoked);
    }

    [Fact]
    public async Task Last_use_is_written_at_most_once_a_minute()
    {
        var clock = new ManualTimeProvider(Start);
        await using var db = await CreateAsync(clock);
        var store = db.Services.GetRequiredService<ApiKeyStore>();
        var key = await store.CreateAsync("Kiosk", CancellationToken.None);

        Assert.NotNull(await store.ValidateAsync(key.Secret, CancellationToken.None));
        Assert.Equal(Start.UtcDateTime, await LastUsedAsync());

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(await store.ValidateAsync(key.Secret, CancellationToken.None));
        Assert.Equal(Start.UtcDateTime, await LastUsedAsync());

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await store.ValidateAsync(key.Secret, CancellationToken.None));
        Assert.Equal(Start.UtcDateTime.AddMinutes(1), await LastUsedAsync());

        async Task<DateTime?> LastUsedAsync() => (await store.ListAsync(CancellationToken.None)).Single().LastUsedUtc;
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task A_key_needs_a_name_of_at_most_100_characters(string? name)
    {
        await using var db = await CreateAsync(new ManualTimeProvider(Start));
        var store = db.Services.GetRequiredService<ApiKeyStore>();
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(name!, CancellationToken.None));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(new string('k', 101), CancellationToken.None));
        Assert.Contains("1 to 100 characters", tooLong.Message);
        Assert.Equal(100, (await store.CreateAsync(new string('k', 100), CancellationToken.None)).Name.Length);
        Assert.Single(await store.ListAsync(CancellationToken.None));
    }

    internal static Task<TestDatabase> CreateAsync(TimeProvider clock) =>
        TestDatabase.CreateAsync(s => s.AddSingleton(clock).AddSingleton<ApiKeyStore>());
}
