using Microsoft.EntityFrameworkCore;

namespace WebAvatar.Data.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_build_every_table_on_an_empty_database_and_leave_nothing_of_the_model_unmigrated()
    {
        await using var database = await TempDatabase.CreateAsync(migrate: false);
        Assert.False(File.Exists(database.FilePath), "the database file should not exist before the migration");
        await database.Host.Services.MigrateWebAvatarDatabaseAsync(CancellationToken.None);

        await using var db = await database.OpenAsync();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration (dotnet ef migrations add)");

        var tables = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table'").ToListAsync();
        Assert.Superset(
            new HashSet<string> { "AdminUsers", "Avatars", "StreamTargets", "ChatMessages", "ApiKeys", "__EFMigrationsHistory" },
            tables.ToHashSet());
        var indexes = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'index'").ToListAsync();
        Assert.Contains("IX_AdminUsers_UserName", indexes);
        Assert.Contains("IX_ApiKeys_Hash", indexes);
        Assert.Contains("IX_ChatMessages_SessionId_AtUtc", indexes);
    }

    [Fact]
    public async Task Migrating_an_up_to_date_database_again_keeps_its_data()
    {
        await using var database = await TempDatabase.CreateAsync();
        await using (var db = await database.OpenAsync())
        {
            db.StreamTargets.Add(new() { Name = "studio", RtmpUrl = "rtmp://example/live", StreamKey = "k", CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await database.Host.Services.MigrateWebAvatarDatabaseAsync(CancellationToken.None);

        await using var again = await database.OpenAsync();
        Assert.Equal("studio", (await again.StreamTargets.SingleAsync()).Name);
    }
}
