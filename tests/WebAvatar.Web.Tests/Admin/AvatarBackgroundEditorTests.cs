using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WebAvatar.Data.Entities;
using WebAvatar.LipSync;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Components.Pages.Admin;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>The background choice from the editor to the session profile, and the admin panel that makes it.</summary>
public sealed class AvatarBackgroundEditorTests : BunitContext, IAsyncLifetime
{
    private TestDatabase _db = null!;

    private AvatarFiles Files => _db.Services.GetRequiredService<AvatarFiles>();

    private AvatarBackgroundEditor Editor => _db.Services.GetRequiredService<AvatarBackgroundEditor>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(s => s
            .AddSingleton<AvatarFiles>().AddSingleton<AvatarProgressTracker>().AddSingleton<AvatarLibrary>().AddSingleton<AvatarBackgroundEditor>());
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Files);
        await using var context = await _db.Contexts.CreateDbContextAsync();
        context.Avatars.Add(new AvatarRecord { Id = "abcd", Name = "Ada", MediaType = "image/png", StoredFileName = "source.png", Status = AvatarStatus.Ready, CreatedUtc = DateTime.UtcNow });
        await context.SaveChangesAsync();
        Directory.CreateDirectory(Files.FolderOf("abcd"));
        await File.WriteAllBytesAsync(Files.FileOf("abcd", "source.png"), [1]);
        await File.WriteAllBytesAsync(Files.FileOf("abcd", AvatarFiles.MattePreviewName), [1]);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Sessions_get_the_records_choice_with_the_pictures_full_path()
    {
        var resolver = new Sessions.SessionProfileResolver(
            _db.Contexts, Files, Microsoft.Extensions.Options.Options.Create(new AvatarOptions()), Microsoft.Extensions.Options.Options.Create(new Speech.Synthesis.TtsOptions()));
        var spec = new WebAvatar.Sessions.SessionSpec(Kind: WebAvatar.Sessions.SessionKind.Api, AvatarId: "abcd");

        Assert.Equal(AvatarBackground.Keep, (await resolver.ResolveAsync(spec, CancellationToken.None)).Background);
        await Editor.SetAsync("abcd", "Remove", null, CancellationToken.None);
        Assert.Equal(AvatarBackground.Remove, (await resolver.ResolveAsync(spec, CancellationToken.None)).Background);
        await Editor.SetAsync("abcd", "replace", "#AbCdEf", CancellationToken.None);
        Assert.Equal(AvatarBackground.ReplaceWithColor("#abcdef"), (await resolver.ResolveAsync(spec, CancellationToken.None)).Background);

        await using (var png = File.OpenRead(AdminTestAssets.AvatarPng))
        {
            await Editor.SetImageAsync("abcd", png, CancellationToken.None);
        }

        var background = (await resolver.ResolveAsync(spec, CancellationToken.None)).Background!;
        Assert.Equal(AvatarBackgroundMode.Replace, background.Mode);
        Assert.Null(background.Problem());
        Assert.StartsWith(Files.FolderOf("abcd") + Path.DirectorySeparatorChar + "background-", background.ImagePath);
        Assert.True(File.Exists(background.ImagePath));

        // Back to a colour: the picture is deleted, not left behind.
        await Editor.SetAsync("abcd", "replace", "#000000", CancellationToken.None);
        Assert.False(File.Exists(background.ImagePath));
        await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetAsync("abcd", "1", null, CancellationToken.None));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Editor.SetAsync("ffff", "keep", null, CancellationToken.None));
    }

    [Fact]
    public async Task Removing_is_refused_for_an_avatar_without_a_matte_or_drawn_by_wav2lip()
    {
        await using (var context = await _db.Contexts.CreateDbContextAsync())
        {
            context.Avatars.Add(new AvatarRecord
            {
                Id = "ef01", Name = "Faceless", MediaType = "image/png", StoredFileName = "source.png", Status = AvatarStatus.Ready,
                StatusMessage = "Ready; the background cannot be removed: no face was found", CreatedUtc = DateTime.UtcNow,
            });
            context.Avatars.Add(new AvatarRecord
            {
                Id = "ef02", Name = "Filmed", MediaType = "video/mp4", StoredFileName = "source.mp4", Status = AvatarStatus.Ready, LipSyncEngine = "wav2lip", CreatedUtc = DateTime.UtcNow,
            });
            await context.SaveChangesAsync();
        }

        Directory.CreateDirectory(Files.FolderOf("ef02"));
        await File.WriteAllBytesAsync(Files.FileOf("ef02", AvatarFiles.MattePreviewName), [1]);

        var noMatte = await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetAsync("ef01", "remove", null, CancellationToken.None));
        Assert.Contains("no matte", noMatte.Message);
        Assert.Contains("no face was found", noMatte.Message);
        await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetAsync("ef01", "replace", "#112233", CancellationToken.None));
        await Editor.SetAsync("ef01", "keep", null, CancellationToken.None);
        var wav2Lip = await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetAsync("ef02", "remove", null, CancellationToken.None));
        Assert.Contains("parametric engine", wav2Lip.Message);
    }

    [Fact]
    public async Task An_oversized_or_undecodable_picture_is_refused_and_nothing_is_stored()
    {
        var bytes = new byte[AvatarBackgroundEditor.MaxImageBytes + 1];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
        var huge = new MemoryStream(bytes);
        Assert.Equal(413, (await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetImageAsync("abcd", huge, CancellationToken.None))).StatusCode);
        var truncated = new MemoryStream((await File.ReadAllBytesAsync(AdminTestAssets.AvatarPng))[..64]);
        Assert.Contains("could not be decoded", (await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetImageAsync("abcd", truncated, CancellationToken.None))).Message);
        var mp4 = new MemoryStream([0, 0, 0, 24, .. "ftypisom"u8.ToArray(), 0, 0, 0, 0]);
        Assert.Equal(415, (await Assert.ThrowsAsync<AvatarUploadException>(() => Editor.SetImageAsync("abcd", mp4, CancellationToken.None))).StatusCode);
        Assert.Empty(Directory.GetFiles(Files.FolderOf("abcd"), "background-*"));
    }

    [Fact]
    public async Task The_panel_shows_the_matte_over_a_checkerboard_and_saves_a_colour()
    {
        await File.WriteAllBytesAsync(Files.FileOf("abcd", AvatarFiles.MattePreviewName), [1]);
        var avatar = (await _db.Services.GetRequiredService<AvatarLibrary>().FindAsync("abcd", CancellationToken.None))!;
        var panel = Render<BackgroundPanel>(p => p.Add(x => x.Avatar, avatar).Add(x => x.Editor, Editor));

        var preview = panel.Find("#matte-preview");
        Assert.Contains("conic-gradient", preview.GetAttribute("style"));
        Assert.Equal("/api/admin/avatars/abcd/matte", preview.QuerySelector("img")!.GetAttribute("src"));
        Assert.Contains("kept as uploaded", panel.Find("#background-current").TextContent);

        panel.Find("#background-replace").Change("replace");
        panel.Find("#background-color").Change("#123456");
        panel.Find("#apply-color").Click();
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("#background-error")));
        var saved = await _db.Services.GetRequiredService<AvatarLibrary>().FindAsync("abcd", CancellationToken.None);
        Assert.Equal((AvatarBackgroundMode.Replace, "#123456"), (saved!.BackgroundMode, saved.BackgroundColor));

        File.Delete(Files.FileOf("abcd", AvatarFiles.MattePreviewName));
        var without = Render<BackgroundPanel>(p => p.Add(x => x.Avatar, saved).Add(x => x.Editor, Editor));
        Assert.Contains("cannot be removed", without.Find("#matte-missing").TextContent);
        Assert.Contains("replaced by #123456", without.Find("#background-current").TextContent);
    }
}
