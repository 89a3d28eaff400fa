using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Conversation;
using WebAvatar.Data.Entities;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Admin.History;
using WebAvatar.Web.Admin.Streams;

namespace WebAvatar.Web.Tests.Admin;

public class AdminServiceTests
{
    [Fact]
    public async Task Only_the_first_admin_can_be_created_and_passwords_are_stored_hashed()
    {
        await using var db = await TestDatabase.CreateAsync();
        var accounts = db.Services.GetRequiredService<AdminAccountService>();
        Assert.False(await accounts.AnyAdminAsync(CancellationToken.None));
        Assert.Throws<ArgumentException>(() => accounts.CreateFirstAdminAsync("root", "short", CancellationToken.None).GetAwaiter().GetResult());

        Assert.True(await accounts.CreateFirstAdminAsync("root", "a-long-password", CancellationToken.None));
        Assert.False(await accounts.CreateFirstAdminAsync("mallory", "another-long-password", CancellationToken.None));

        await using var context = await db.Contexts.CreateDbContextAsync();
        var stored = Assert.Single(context.AdminUsers);
        Assert.Equal("root", stored.UserName);
        Assert.DoesNotContain("a-long-password", stored.PasswordHash);
        Assert.Equal(SignInOutcome.Success, (await accounts.CheckPasswordAsync("root", "a-long-password", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_for_the_right_password()
    {
        await using var db = await TestDatabase.CreateAsync();
        var accounts = db.Services.GetRequiredService<AdminAccountService>();
        await accounts.CreateFirstAdminAsync("root", "a-long-password", CancellationToken.None);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(SignInOutcome.Invalid, (await accounts.CheckPasswordAsync("root", "wrong-" + i, CancellationToken.None)).Outcome);
        }

        var fifth = await accounts.CheckPasswordAsync("root", "wrong-4", CancellationToken.None);
        Assert.Equal(SignInOutcome.LockedOut, fifth.Outcome);
        Assert.True(fifth.LockedUntilUtc > DateTime.UtcNow.AddMinutes(10));
        Assert.Equal(SignInOutcome.LockedOut, (await accounts.CheckPasswordAsync("root", "a-long-password", CancellationToken.None)).Outcome);
        Assert.Equal(SignInOutcome.Invalid, (await accounts.CheckPasswordAsync("ghost", "a-long-password", CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Stream_targets_validate_urls_and_never_list_the_key()
    {
        await using var db = await TestDatabase.CreateAsync(s => s.AddSingleton<StreamTargetStore>());
        var store = db.Services.GetRequiredService<StreamTargetStore>();
        Assert.Throws<ArgumentException>(() => store.AddAsync("web", "http://example.com/live", "k", CancellationToken.None).GetAwaiter().GetResult());

        var added = await store.AddAsync("YouTube", "rtmp://a.rtmp.youtube.com/live2", "abcd-efgh-ijkl-mnop", CancellationToken.None);
        Assert.Equal("••••••••mnop", added.MaskedKey);
        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.DoesNotContain("abcd-efgh", System.Text.Json.JsonSerializer.Serialize(listed));

        await store.UpdateAsync(added.Id, "YouTube main", "rtmp://a.rtmp.youtube.com/live2", newStreamKey: "", CancellationToken.None);
        Assert.Equal("abcd-efgh-ijkl-mnop", (await store.GetWithKeyAsync(added.Id, CancellationToken.None))!.StreamKey);
    }

    [Fact]
    public async Task Chat_history_keeps_final_lines_only_and_can_be_cleared()
    {
        await using var db = await TestDatabase.CreateAsync(s => s.AddSingleton(sp => new ChatHistoryStore(
            null!, sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WebAvatar.Data.WebAvatarDbContext>>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ChatHistoryStore>.Instance)));
        var history = db.Services.GetRequiredService<ChatHistoryStore>();
        var now = DateTimeOffset.UtcNow;
        history.Record("s1", new TranscriptEntry("r1", TranscriptRole.User, "hel", false, now));
        history.Record("s1", new TranscriptEntry("r1", TranscriptRole.User, "hello there", true, now));
        history.Record("s1", new TranscriptEntry("r1", TranscriptRole.Avatar, "Hi! How can I help?", true, now.AddSeconds(1)));
        history.Record("s2", new TranscriptEntry("r2", TranscriptRole.User, "other session", true, now));
        Assert.Equal(3, await history.FlushAsync(CancellationToken.None));

        var lines = await history.GetAsync("s1", CancellationToken.None);
        Assert.Equal(["hello there", "Hi! How can I help?"], lines.Select(l => l.Text));
        Assert.Equal(2, (await history.ListSessionsAsync(CancellationToken.None)).Count);

        Assert.Equal(2, await history.ClearAsync("s1", CancellationToken.None));
        Assert.Empty(await history.GetAsync("s1", CancellationToken.None));
        Assert.Single(await history.GetAsync("s2", CancellationToken.None));
    }

    [Fact]
    public async Task Default_avatar_is_exclusive_and_reaches_the_provider_with_its_voice()
    {
        await using var db = await TestDatabase.CreateAsync(s => s
            .AddSingleton<AvatarFiles>().AddSingleton<AvatarProgressTracker>().AddSingleton<AvatarLibrary>());
        var library = db.Services.GetRequiredService<AvatarLibrary>();
        var files = db.Services.GetRequiredService<AvatarFiles>();
        await using (var context = await db.Contexts.CreateDbContextAsync())
        {
            foreach (var (id, status) in new[] { ("aaaa", AvatarStatus.Ready), ("bbbb", AvatarStatus.Ready), ("cccc", AvatarStatus.Processing) })
            {
                context.Avatars.Add(new AvatarRecord { Id = id, Name = id, MediaType = "image/png", StoredFileName = "source.png", Status = status, CreatedUtc = DateTime.UtcNow });
                Directory.CreateDirectory(files.FolderOf(id));
                await File.WriteAllBytesAsync(files.FileOf(id, "source.png"), [1]);
            }

            await context.SaveChangesAsync();
        }

        var provider = new Sessions.SessionProfileResolver(
            db.Contexts, files, Microsoft.Extensions.Options.Options.Create(new LipSync.AvatarOptions()), Microsoft.Extensions.Options.Options.Create(new Speech.Synthesis.TtsOptions()));
        Assert.Null((await provider.ResolveAsync(new WebAvatar.Sessions.SessionSpec(), CancellationToken.None)).AvatarId); // the configured avatar

        await library.SetDefaultAsync("aaaa", CancellationToken.None);
        await library.SetDefaultAsync("bbbb", CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => library.SetDefaultAsync("cccc", CancellationToken.None));
        await library.SetVoiceAsync("bbbb", new VoiceBinding { VoiceId = "de", Speed = 1.2f, Pitch = 0.9f }, CancellationToken.None);
        await library.SetLipSyncEngineAsync("bbbb", "parametric", CancellationToken.None);
        await Assert.ThrowsAsync<ArgumentException>(() => library.SetLipSyncEngineAsync("bbbb", "magic", CancellationToken.None));

        var chosen = await provider.ResolveAsync(new WebAvatar.Sessions.SessionSpec(), CancellationToken.None);
        Assert.Equal("bbbb", chosen.AvatarId);
        Assert.Equal("de", chosen.Voice.VoiceId);
        Assert.Equal(1.2f, chosen.Voice.Speed);
        Assert.Equal("parametric", chosen.LipSyncEngine);
        Assert.Single(await library.ListAsync(CancellationToken.None), a => a.IsDefault);

        Assert.True(await library.DeleteAsync("bbbb", CancellationToken.None));
        Assert.False(Directory.Exists(files.FolderOf("bbbb")));
        Assert.Null((await provider.ResolveAsync(new WebAvatar.Sessions.SessionSpec(), CancellationToken.None)).AvatarId);
        Assert.False(await library.DeleteAsync("../x", CancellationToken.None));
    }
}
