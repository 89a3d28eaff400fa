using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenCvSharp;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>The matte made at preparation and the background choice, through the admin API of the real app.</summary>
[Collection(AdminAppCollection.Name)]
public class AvatarBackgroundApiTests(AdminAppFixture fixture)
{
    [Fact]
    public async Task Preparation_makes_a_matte_preview_and_the_choice_is_validated_and_stored()
    {
        using var http = await fixture.App.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(http);
        var id = await AdminApp.UploadAvatarAsync(http, AdminTestAssets.AvatarPng, "matte-me.png");
        var ready = await AdminApp.WaitForAvatarAsync(http, id, TimeSpan.FromSeconds(90));
        Assert.Equal("Ready", ready.GetProperty("status").GetString());
        Assert.Contains("background separated by grabcut", ready.GetProperty("statusMessage").GetString());
        Assert.Equal("keep", ready.GetProperty("backgroundMode").GetString());

        // RGBA at the face preview's width: the flag's corner transparent, the face opaque, the colour the poster's.
        var preview = await http.GetAsync($"/api/admin/avatars/{id}/matte");
        Assert.Equal("image/png", preview.Content.Headers.ContentType!.MediaType);
        using (var rgba = Cv2.ImDecode(await preview.Content.ReadAsByteArrayAsync(), ImreadModes.Unchanged))
        {
            Assert.Equal((4, 320, 320), (rgba.Channels(), rgba.Width, rgba.Height));
            Assert.Equal(0, rgba.At<Vec4b>(160, 5).Item3);    // the flag, left edge
            Assert.Equal(255, rgba.At<Vec4b>(70, 140).Item3); // her face (224, 112 in the 512 px picture)
            var suit = rgba.At<Vec4b>(190, 70); // her suit, left of the mission patch
            Assert.True(suit.Item2 > 150 && suit.Item0 < 120 && suit.Item3 == 255, $"the suit is opaque orange, not {suit}");
        }

        await AssertRefusedAsync(http, id, new { mode = "sideways" }, HttpStatusCode.BadRequest, "Unknown background mode 'sideways'");
        await AssertRefusedAsync(http, id, new { mode = "replace", color = "green" }, HttpStatusCode.BadRequest, "'green' is not a colour");
        await AssertRefusedAsync(http, id, new { mode = "replace" }, HttpStatusCode.BadRequest, "needs a colour");
        await AssertRefusedAsync(http, "0123456789abcdef", new { mode = "remove" }, HttpStatusCode.NotFound, "does not exist");

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/api/admin/avatars/{id}/background", new { mode = "replace", color = "#00B140" })).StatusCode);
        var listed = await FindAsync(http, id);
        Assert.Equal(("replace", "#00b140", false), (listed.GetProperty("backgroundMode").GetString(), listed.GetProperty("backgroundColor").GetString(), listed.GetProperty("hasBackgroundImage").GetBoolean()));

        // A picture: checked by its bytes, stored under a generated name, replacing the previous one.
        var text = await http.PostAsync($"/api/admin/avatars/{id}/background/image", new ByteArrayContent("not a picture at all"u8.ToArray()));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Contains("unknown format", await text.Content.ReadAsStringAsync());
        var folder = Path.Combine(fixture.App.DataFolder, "avatars", id);
        foreach (var upload in new[] { 1, 2 })
        {
            var image = await http.PostAsync($"/api/admin/avatars/{id}/background/image", new ByteArrayContent(await File.ReadAllBytesAsync(AdminTestAssets.AvatarPng)));
            Assert.True(image.StatusCode == HttpStatusCode.OK, await image.Content.ReadAsStringAsync());
        }

        Assert.Matches("^background-[0-9a-f]{16}\\.png$", Path.GetFileName(Assert.Single(Directory.GetFiles(folder, "background-*"))));
        listed = await FindAsync(http, id);
        Assert.Equal(("replace", true), (listed.GetProperty("backgroundMode").GetString(), listed.GetProperty("hasBackgroundImage").GetBoolean()));

        using var anonymous = fixture.App.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/admin/avatars/{id}/matte")).StatusCode);
        using var noToken = await fixture.App.SignInAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await noToken.PostAsJsonAsync($"/api/admin/avatars/{id}/background", new { mode = "remove" })).StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpClient http, string id, object body, HttpStatusCode status, string message)
    {
        var response = await http.PostAsJsonAsync($"/api/admin/avatars/{id}/background", body);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    private static async Task<JsonElement> FindAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/admin/avatars")).EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
}

/// <summary>An avatar whose matte cannot be made (here: a matting model that does not load) is still ready, with its background kept.</summary>
public class AvatarWithoutMatteTests
{
    [Fact]
    public async Task A_matte_that_cannot_be_made_leaves_the_avatar_ready_and_says_why()
    {
        var folder = AdminApp.NewDataFolder();
        var model = Path.Combine(folder, "broken-matting.onnx");
        await File.WriteAllTextAsync(model, "not an onnx model");
        await using var app = await AdminApp.StartAsync(folder, extra: new Dictionary<string, string>
        {
            ["Matting:Engine"] = "Onnx",
            ["Matting:ModelPath"] = model,
            ["Avatar:CacheDirectory"] = Path.Combine(folder, "avatar-cache"),
        });
        try
        {
            using var http = await app.SignInAsync();
            await AdminApp.AddAntiforgeryHeaderAsync(http);
            var id = await AdminApp.UploadAvatarAsync(http, AdminTestAssets.AvatarPng, "no-matte.png");
            var ready = await AdminApp.WaitForAvatarAsync(http, id, TimeSpan.FromSeconds(90));
            Assert.Equal("Ready", ready.GetProperty("status").GetString());
            Assert.Contains("the background cannot be removed: Matting model", ready.GetProperty("statusMessage").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/admin/avatars/{id}/matte")).StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
