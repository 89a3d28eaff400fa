using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Npgsql;
using WebAvatar.Data.Entities;
using WebAvatar.Testing;

namespace WebAvatar.Data.Tests.PostgreSql;

/// <summary>The shared store of a cluster on a real PostgreSQL server: its migrations, its invariants, and two nodes on one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStoreTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Migrations_create_the_database_and_every_table_and_leave_nothing_of_the_model_unmigrated()
    {
        using var node = await postgres.StartNodeAsync(PostgresServer.NewDatabaseName());
        await using var db = await node.OpenAsync();
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a PostgreSQL migration (dotnet ef migrations add --project src/WebAvatar.Data.PostgreSql)");

        var tables = await db.Database.SqlQueryRaw<string>("SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'").ToListAsync();
        Assert.Superset(
            new HashSet<string> { "AdminUsers", "Avatars", "StreamTargets", "ChatMessages", "ApiKeys", "__EFMigrationsHistory" },
            tables.ToHashSet());
        var indexes = await db.Database.SqlQueryRaw<string>("SELECT indexname AS \"Value\" FROM pg_indexes WHERE schemaname = 'public'").ToListAsync();
        Assert.Contains("IX_AdminUsers_UserName", indexes);
        Assert.Contains("IX_ApiKeys_Hash", indexes);
        Assert.Contains("IX_ChatMessages_SessionId_AtUtc", indexes);
    }

    [Fact]
    public async Task Nodes_starting_together_migrate_one_database_once()
    {
        string database = PostgresServer.NewDatabaseName();
        var nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => postgres.StartNodeAsync(database)));
        try
        {
            await using var db = await nodes[0].OpenAsync();
            var applied = await db.Database.SqlQueryRaw<string>("SELECT \"MigrationId\" AS \"Value\" FROM \"__EFMigrationsHistory\"").ToListAsync();
            Assert.Equal(db.Database.GetMigrations(), applied.Order());
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    [Fact]
    public async Task What_one_node_writes_the_other_reads()
    {
        string database = PostgresServer.NewDatabaseName();
        using var a = await postgres.StartNodeAsync(database);
        using var b = await postgres.StartNodeAsync(database);
        await using (var db = await a.OpenAsync())
        {
            db.StreamTargets.Add(new() { Name = "studio", RtmpUrl = "rtmp://example/live", StreamKey = "k", CreatedUtc = DateTime.UtcNow });
            db.ChatMessages.Add(new() { SessionId = "s1", Role = "User", Text = "hello from node A", AtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await using (var db = await b.OpenAsync())
        {
            Assert.Equal("studio", (await db.StreamTargets.SingleAsync()).Name);
            Assert.Equal("hello from node A", (await db.ChatMessages.SingleAsync(m => m.SessionId == "s1")).Text);
            (await db.StreamTargets.SingleAsync()).Name = "studio B";
            await db.SaveChangesAsync();
        }

        await using var again = await a.OpenAsync();
        Assert.Equal("studio B", (await again.StreamTargets.AsNoTracking().SingleAsync()).Name);
    }

    [Fact]
    public async Task Two_admins_cannot_share_a_user_name_nor_two_api_keys_a_secret_hash()
    {
        using var node = await postgres.StartNodeAsync(PostgresServer.NewDatabaseName());
        await using (var db = await node.OpenAsync())
        {
            db.AdminUsers.Add(new() { UserName = "admin", PasswordHash = "h1", CreatedUtc = DateTime.UtcNow });
            db.ApiKeys.Add(new() { Name = "one", Prefix = "abcd", Hash = new string('a', 64), CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await using (var db = await node.OpenAsync())
        {
            db.AdminUsers.Add(new() { UserName = "admin", PasswordHash = "h2", CreatedUtc = DateTime.UtcNow });
            var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        }

        await using (var db = await node.OpenAsync())
        {
            db.ApiKeys.Add(new() { Name = "two", Prefix = "abcd", Hash = new string('a', 64), CreatedUtc = DateTime.UtcNow });
            var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        }
    }

    [Fact]
    public async Task An_avatar_keeps_its_owned_parts_its_enums_as_text_and_its_times_as_utc()
    {
        using var node = await postgres.StartNodeAsync(PostgresServer.NewDatabaseName());
        var created = new DateTime(2026, 12, 5, 10, 0, 0); // unspecified kind, as code that forgot DateTimeKind would write it
        await using (var db = await node.OpenAsync())
        {
            db.Avatars.Add(TestAvatars.Ada(created));
            db.Avatars.Add(TestAvatars.Plain());
            await db.SaveChangesAsync();
        }

        await using var read = await node.OpenAsync();
        var ada = await read.Avatars.AsNoTracking().SingleAsync(a => a.Id == "0123456789abcdef");
        Assert.Equal((AvatarKind.Video, AvatarStatus.Ready), (ada.Kind, ada.Status));
        Assert.Equal((10, 20, 30, 40), (ada.Face!.X, ada.Face.Y, ada.Face.Width, ada.Face.Height));
        Assert.Equal(("de", 1.25f, 0.9f), (ada.Voice.VoiceId, ada.Voice.Speed, ada.Voice.Pitch));
        Assert.Equal(("Be brief.", "Hallo!", "de"), (ada.Persona.SystemPrompt, ada.Persona.Greeting, ada.Persona.Language));
        Assert.Equal(DateTime.SpecifyKind(created, DateTimeKind.Utc), ada.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, ada.CreatedUtc.Kind);
        Assert.Null((await read.Avatars.AsNoTracking().SingleAsync(a => a.Id == "fedcba9876543210")).Face);

        var stored = await read.Database.SqlQueryRaw<string>("SELECT \"Kind\" || '/' || \"Status\" AS \"Value\" FROM \"Avatars\" WHERE \"Id\" = '0123456789abcdef'").SingleAsync();
        Assert.Equal("Video/Ready", stored);
    }
}
