using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Tests.Admin;

[Collection(AdminAppCollection.Name)]
public class ApiKeyAdminApiTests(AdminAppFixture fixture)
{
    [Fact]
    public async Task Anonymous_callers_cannot_list_create_or_revoke_keys()
    {
        using var anonymous = fixture.App.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/admin/api-keys", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/api/admin/api-keys/1")).StatusCode);
    }

    [Fact]
    public async Task Admin_creates_a_key_sees_the_secret_once_and_revokes_it()
    {
        using var admin = await fixture.App.SignInAsync();
        var forged = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "Kiosk" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("anti-forgery", await forged.Content.ReadAsStringAsync());

        await AdminApp.AddAntiforgeryHeaderAsync(admin);
        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "Kiosk" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("id").GetInt32();
        Assert.Matches("^wa_[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(secret[3..11], created.GetProperty("prefix").GetString());

        var listJson = await admin.GetStringAsync("/api/admin/api-keys");
        Assert.DoesNotContain(secret[11..], listJson);
        var listed = JsonDocument.Parse(listJson).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
        Assert.Equal("Kiosk", listed.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("revokedUtc").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/api-keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/admin/api-keys/987654")).StatusCode);
        var revoked = (await admin.GetFromJsonAsync<JsonElement>("/api/admin/api-keys")).EnumerateArray().Single(k => k.GetProperty("id").GetInt32() == id);
        Assert.True(revoked.GetProperty("isRevoked").GetBoolean());

        var nameless = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = " " });
        Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
        Assert.Contains("1 to 100 characters", await nameless.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_marks_an_avatar_public()
    {
        using var admin = await fixture.App.SignInAsync();
        var forged = await admin.PostAsJsonAsync("/api/admin/avatars/0123456789abcdef/public", new { isPublic = true });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        await AdminApp.AddAntiforgeryHeaderAsync(admin);
        var unknown = await admin.PostAsJsonAsync("/api/admin/avatars/0123456789abcdef/public", new { isPublic = true });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // Written straight into the app's database: the route needs a record, not an upload and its preprocessing.
        var id = Guid.NewGuid().ToString("N")[..16];
        var options = new DbContextOptionsBuilder<WebAvatarDbContext>()
            .UseSqlite($"Data Source={Path.Combine(fixture.App.DataFolder, "webavatar.db")};Pooling=False").Options;
        await using (var db = new WebAvatarDbContext(options))
        {
            db.Avatars.Add(new AvatarRecord { Id = id, Name = "Public face", MediaType = "image/png", StoredFileName = "source.png", Status = AvatarStatus.Ready, CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        Assert.False(await IsPublicAsync());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/avatars/{id}/public", new { isPublic = true })).StatusCode);
        Assert.True(await IsPublicAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/avatars/{id}/public", new { isPublic = false })).StatusCode);
        Assert.False(await IsPublicAsync());

        async Task<bool> IsPublicAsync() => (await admin.GetFromJsonAsync<JsonElement>("/api/admin/avatars"))
            .EnumerateArray().Single(a => a.GetProperty("id").GetString() == id).GetProperty("isPublic").GetBoolean();
    }
}
