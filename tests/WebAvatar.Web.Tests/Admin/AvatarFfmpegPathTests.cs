namespace WebAvatar.Web.Tests.Admin;

public class AvatarFfmpegPathTests
{
    /// <summary>The avatar processor used to run "ffmpeg" from PATH whatever Media:FfmpegPath said.</summary>
    [Fact]
    public async Task A_configured_ffmpeg_that_does_not_exist_fails_the_upload_naming_the_path_and_the_option()
    {
        const string bogus = "/nonexistent/webavatar-test/ffmpeg";
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["Media:FfmpegPath"] = bogus });
        using var http = await app.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(http);
        var id = await AdminApp.UploadAvatarAsync(http, AdminTestAssets.AvatarPng, "face.png");

        var avatar = await AdminApp.WaitForAvatarAsync(http, id, TimeSpan.FromSeconds(60));
        Assert.Equal("Failed", avatar.GetProperty("status").GetString());
        var message = avatar.GetProperty("statusMessage").GetString();
        Assert.Contains($"'{bogus}'", message);
        Assert.Contains("Media:FfmpegPath", message);
    }
}
