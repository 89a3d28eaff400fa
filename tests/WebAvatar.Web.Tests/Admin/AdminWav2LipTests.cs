using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.Web.Tests.Admin;

public class AdminWav2LipTests
{
    [Fact]
    public async Task A_video_upload_is_preprocessed_for_wav2lip_before_it_is_ready()
    {
        var cache = Path.Combine(AdminApp.NewDataFolder(), "avatar-cache");
        await using var app = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["Wav2Lip:Preprocessing:CacheDirectory"] = cache });
        try
        {
            using var http = await app.SignInAsync();
            await AdminApp.AddAntiforgeryHeaderAsync(http);
            var id = await AdminApp.UploadAvatarAsync(http, AdminTestAssets.AvatarMp4, "talking.mp4", "video/mp4");

            var ready = await AdminApp.WaitForAvatarAsync(http, id, TimeSpan.FromSeconds(90));
            Assert.Equal("Ready", ready.GetProperty("status").GetString());
            Assert.DoesNotContain("Wav2Lip", ready.GetProperty("statusMessage").GetString());

            var folder = Assert.Single(Directory.GetDirectories(cache));
            var manifest = AvatarManifest.TryRead(folder);
            Assert.NotNull(manifest);
            Assert.Equal(50, manifest.FrameCount); // 2 s at 25 fps
            Assert.Equal(manifest.FrameCount, manifest.Crops.Length);
            Assert.All(manifest.Crops, crop => Assert.True(File.Exists(Path.Combine(folder, crop)), crop));
            Assert.NotEmpty(manifest.Masks);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(cache)!, recursive: true);
        }
    }
}
