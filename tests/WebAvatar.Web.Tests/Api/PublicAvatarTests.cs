using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

public class PublicAvatarTests
{
    [Fact]
    public async Task Only_ready_avatars_marked_public_are_offered()
    {
        await using var db = await TestDatabase.CreateAsync(s => s.AddSingleton<AvatarFiles>().AddSingleton<AvatarProgressTracker>().AddSingleton<AvatarLibrary>());
        await using (var context = await db.Contexts.CreateDbContextAsync())
        {
            context.Avatars.AddRange(
                Avatar("aaaa", "Zoe", AvatarStatus.Ready),
                Avatar("bbbb", "Ada", AvatarStatus.Ready),
                Avatar("cccc", "Max", AvatarStatus.Processing),
                Avatar("dddd", "Hidden", AvatarStatus.Ready));
            await context.SaveChangesAsync();
        }

        var library = db.Services.GetRequiredService<AvatarLibrary>();
        Assert.False((await library.FindAsync("aaaa", CancellationToken.None))!.IsPublic);
        foreach (var id in new[] { "aaaa", "bbbb", "cccc" })
        {
            await library.SetPublicAsync(id, true, CancellationToken.None);
        }

        Assert.Equal(["Ada", "Zoe"], (await library.ListPublicAsync(CancellationToken.None)).Select(a => a.Name));
        await library.SetPublicAsync("aaaa", false, CancellationToken.None);
        Assert.Equal(["Ada"], (await library.ListPublicAsync(CancellationToken.None)).Select(a => a.Name));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => library.SetPublicAsync("eeee", true, CancellationToken.None));
    }

    [Fact]
    public async Task A_database_from_before_api_keys_is_upgraded_and_its_avatars_stay_private()
    {
        var folder = AdminApp.NewDataFolder();
        try
        {
            var options = new DbContextOptionsBuilder<WebAvatarDbContext>()
                .UseSqlite($"Data Source={Path.Combine(folder, "old.db")};Pooling=False").Options;
            await using (var old = new WebAvatarDbContext(options))
            {
                await old.GetService<IMigrator>().MigrateAsync("20261124144908_InitialCreate");
                await old.Database.ExecuteSqlRawAsync(
                    "INSERT INTO Avatars (Id, Name, Kind, MediaType, StoredFileName, SizeBytes, Status, LipSyncEngine, IsDefault, Width, Height, " +
                    "Voice_VoiceId, Voice_Speed, Voice_Pitch, Persona_SystemPrompt, Persona_LlmEndpoint, Persona_LlmModel, Persona_Greeting, Persona_Language, CreatedUtc) " +
                    "VALUES ('abcd', 'Old', 'Image', 'image/png', 'source.png', 1, 'Ready', 'auto', 1, 10, 10, 'en-us', 1, 1, '', '', '', '', 'en', '2026-01-01 00:00:00')");
                Assert.Equal("20261205035921_ApiKeysAndPublicAvatars", (await old.Database.GetPendingMigrationsAsync()).First()); // later migrations follow it
            }

            await using var upgraded = new WebAvatarDbContext(options);
            await upgraded.Database.MigrateAsync();
            Assert.Empty(await upgraded.Database.GetPendingMigrationsAsync());
            var avatar = await upgraded.Avatars.SingleAsync();
            Assert.Equal("Old", avatar.Name);
            Assert.False(avatar.IsPublic);
            Assert.Empty(await upgraded.ApiKeys.ToListAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static AvatarRecord Avatar(string id, string name, AvatarStatus status) =>
        new() { Id = id, Name = name, MediaType = "image/png", StoredFileName = "source.png", Status = status, CreatedUtc = DateTime.UtcNow };
}
