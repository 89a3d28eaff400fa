using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebAvatar.Web.Tests.Admin;

public class AdminPersistenceTests
{
    [Fact]
    public async Task First_run_setup_then_admin_and_avatar_survive_an_app_restart()
    {
        var folder = AdminApp.NewDataFolder();
        string id;
        await using (var first = await AdminApp.StartAsync(folder, withAdmin: false))
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = first.BaseAddress };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/admin/avatars")).StatusCode);

            var weak = await AdminApp.PostSetupAsync(http, AdminApp.User, "short", "short");
            Assert.Contains("at%20least%2010%20characters", weak.Headers.Location!.OriginalString);
            var created = await AdminApp.PostSetupAsync(http, AdminApp.User, AdminApp.Password, AdminApp.Password);
            Assert.Equal("/admin", created.Headers.Location!.OriginalString);
            Assert.Contains("Setup is finished", await http.GetStringAsync("/admin/setup"));
            await AdminApp.AddAntiforgeryHeaderAsync(http);
            id = await AdminApp.UploadAvatarAsync(http, AdminTestAssets.AvatarPng, "astronaut.png");
            var ready = await AdminApp.WaitForAvatarAsync(http, id, TimeSpan.FromSeconds(60));
            Assert.Equal("Ready", ready.GetProperty("status").GetString());
        }

        Assert.True(File.Exists(Path.Combine(folder, "webavatar.db")));

        // Second start: no admin variables this time, so the account must come from the database.
        await using var second = await AdminApp.StartAsync(folder, withAdmin: false);
        try
        {
            using var again = await second.SignInAsync();
            var list = await again.GetFromJsonAsync<JsonElement>("/api/admin/avatars");
            var avatar = Assert.Single(list.EnumerateArray());
            Assert.Equal(id, avatar.GetProperty("id").GetString());
            Assert.Equal("astronaut", avatar.GetProperty("name").GetString());
            Assert.Equal("Ready", avatar.GetProperty("status").GetString());
            Assert.True(avatar.GetProperty("face").ValueKind == JsonValueKind.Object, "the face box found at upload is stored");

            var thumbnail = await again.GetAsync($"/api/admin/avatars/{id}/thumbnail");
            Assert.Equal("image/png", thumbnail.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
