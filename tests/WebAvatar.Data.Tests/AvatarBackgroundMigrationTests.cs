using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using WebAvatar.Data.Entities;
using WebAvatar.LipSync;

namespace WebAvatar.Data.Tests;

public sealed class AvatarBackgroundMigrationTests
{
    [Fact]
    public async Task An_avatar_stored_before_the_background_columns_keeps_its_background_and_a_choice_round_trips()
    {
        await using var database = await TempDatabase.CreateAsync(migrate: false);
        await using (var db = await database.OpenAsync())
        {
            await db.GetService<IMigrator>().MigrateAsync("20261205035921_ApiKeysAndPublicAvatars");
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO Avatars (Id, Name, Kind, MediaType, StoredFileName, SizeBytes, Status, LipSyncEngine, IsDefault, IsPublic, Width, Height, " +
                "Voice_VoiceId, Voice_Speed, Voice_Pitch, Persona_SystemPrompt, Persona_LlmEndpoint, Persona_LlmModel, Persona_Greeting, Persona_Language, CreatedUtc) " +
                "VALUES ('ab12', 'old', 'Image', 'image/png', 'source.png', 1, 'Ready', 'auto', 0, 0, 10, 10, 'en-us', 1, 1, '', '', '', '', 'en', '2026-01-01')");
        }

        await database.Host.Services.MigrateWebAvatarDatabaseAsync(CancellationToken.None);

        await using (var db = await database.OpenAsync())
        {
            var old = await db.Avatars.SingleAsync(a => a.Id == "ab12");
            Assert.Equal((AvatarBackgroundMode.Keep, null, null), (old.BackgroundMode, old.BackgroundColor, old.BackgroundImage));
            old.BackgroundMode = AvatarBackgroundMode.Replace;
            old.BackgroundColor = "#00ff00";
            await db.SaveChangesAsync();
        }

        await using var again = await database.OpenAsync();
        var stored = await again.Avatars.AsNoTracking().SingleAsync();
        Assert.Equal((AvatarBackgroundMode.Replace, "#00ff00"), (stored.BackgroundMode, stored.BackgroundColor));
        var raw = await again.Database.SqlQueryRaw<string>("SELECT BackgroundMode AS Value FROM Avatars").SingleAsync();
        Assert.Equal("Replace", raw); // stored by name, so the enum's order can change
    }
}
