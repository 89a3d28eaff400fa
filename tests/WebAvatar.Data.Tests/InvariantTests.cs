using Microsoft.EntityFrameworkCore;
using WebAvatar.Data.Entities;

namespace WebAvatar.Data.Tests;

/// <summary>What the store itself enforces and keeps, on a real SQLite file.</summary>
public sealed class InvariantTests
{
    [Fact]
    public async Task Two_admins_cannot_share_a_user_name()
    {
        await using var database = await TempDatabase.CreateAsync();
        await using var db = await database.OpenAsync();
        db.AdminUsers.Add(new() { UserName = "admin", PasswordHash = "h1", CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();

        await using var other = await database.OpenAsync();
        other.AdminUsers.Add(new() { UserName = "admin", PasswordHash = "h2", CreatedUtc = DateTime.UtcNow });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
        Assert.Contains("UNIQUE", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_api_keys_cannot_share_a_secret_hash()
    {
        await using var database = await TempDatabase.CreateAsync();
        await using var db = await database.OpenAsync();
        string hash = new('a', 64);
        db.ApiKeys.Add(new() { Name = "one", Prefix = "abcd", Hash = hash, CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();

        await using var other = await database.OpenAsync();
        other.ApiKeys.Add(new() { Name = "two", Prefix = "abcd", Hash = hash, CreatedUtc = DateTime.UtcNow });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
        Assert.Contains("UNIQUE", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_avatar_keeps_its_voice_persona_and_face_and_stores_its_kind_and_status_as_text()
    {
        await using var database = await TempDatabase.CreateAsync();
        await using (var db = await database.OpenAsync())
        {
            db.Avatars.Add(TestAvatars.Ada(new DateTime(2026, 12, 5, 10, 0, 0, DateTimeKind.Utc)));
            db.Avatars.Add(TestAvatars.Plain());
            await db.SaveChangesAsync();
        }

        await using var read = await database.OpenAsync();
        var ada = await read.Avatars.AsNoTracking().SingleAsync(a => a.Id == "0123456789abcdef");
        Assert.Equal((AvatarKind.Video, AvatarStatus.Ready, "parametric", true), (ada.Kind, ada.Status, ada.LipSyncEngine, ada.IsPublic));
        Assert.Equal((10, 20, 30, 40), (ada.Face!.X, ada.Face.Y, ada.Face.Width, ada.Face.Height));
        Assert.Equal(("de", 1.25f, 0.9f), (ada.Voice.VoiceId, ada.Voice.Speed, ada.Voice.Pitch));
        Assert.Equal(("Be brief.", "Hallo!", "de"), (ada.Persona.SystemPrompt, ada.Persona.Greeting, ada.Persona.Language));
        Assert.Equal(new DateTime(2026, 12, 5, 10, 0, 0), ada.CreatedUtc);

        var plain = await read.Avatars.AsNoTracking().SingleAsync(a => a.Id == "fedcba9876543210");
        Assert.Null(plain.Face);
        Assert.Equal(("en-us", 1f, 1f, "en"), (plain.Voice.VoiceId, plain.Voice.Speed, plain.Voice.Pitch, plain.Persona.Language));

        // Enums as their names: the rows stay readable (and stable) if the enums are ever reordered.
        var stored = await read.Database.SqlQueryRaw<string>("SELECT Kind || '/' || Status AS Value FROM Avatars WHERE Id = '0123456789abcdef'").SingleAsync();
        Assert.Equal("Video/Ready", stored);
    }

    [Fact]
    public async Task A_sessions_history_is_read_through_its_index_in_time_order()
    {
        await using var database = await TempDatabase.CreateAsync();
        var start = new DateTime(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);
        await using (var db = await database.OpenAsync())
        {
            // Written out of order and interleaved with another session.
            foreach (int second in new[] { 3, 1, 2 })
            {
                db.ChatMessages.Add(new() { SessionId = "s1", Role = "User", Text = $"line {second}", AtUtc = start.AddSeconds(second) });
                db.ChatMessages.Add(new() { SessionId = "s2", Role = "Avatar", Text = "other", AtUtc = start.AddSeconds(second) });
            }

            await db.SaveChangesAsync();
        }

        await using var read = await database.OpenAsync();
        var history = read.ChatMessages.Where(m => m.SessionId == "s1").OrderBy(m => m.AtUtc);
        Assert.Equal(["line 1", "line 2", "line 3"], await history.Select(m => m.Text).ToListAsync());

        // The query EF generates (the session id inlined as a literal), as SQLite plans it.
        var connection = read.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + history.ToQueryString();
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(reader.GetOrdinal("detail")));
            }
        }

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_ChatMessages_SessionId_AtUtc", StringComparison.Ordinal));
    }
}
