using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace WebAvatar.Web.Tests.Admin;

[Collection(AdminAppCollection.Name)]
public class AdminSecurityTests(AdminAppFixture fixture)
{
    private static readonly string[] AnonymousRoutes = ["/admin/login", "/admin/setup", "/admin/account/login", "/admin/account/setup"];

    [Fact]
    public async Task Every_admin_page_and_api_route_refuses_anonymous_callers()
    {
        using var admin = await fixture.App.SignInAsync();
        var routes = await admin.GetFromJsonAsync<JsonElement>("/api/admin/routes");
        var adminRoutes = routes.EnumerateArray()
            .Select(r => (Pattern: "/" + r.GetProperty("pattern").GetString()!.Trim('/'), Methods: r.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray()))
            .Where(r => r.Pattern.StartsWith("/admin", StringComparison.Ordinal) || r.Pattern.StartsWith("/api/admin", StringComparison.Ordinal))
            .Where(r => !AnonymousRoutes.Contains(r.Pattern))
            .ToList();

        // The pages and APIs this dashboard ships must all be among the enumerated routes.
        foreach (var expected in new[] { "/admin", "/admin/avatars", "/admin/voices", "/admin/personas", "/admin/streams", "/admin/broadcasts", "/admin/sessions", "/admin/history", "/admin/api-keys", "/api/admin/avatars", "/api/admin/api-keys", "/api/admin/broadcasts", "/api/admin/broadcasts/{id}/speak", "/api/admin/routes" })
        {
            Assert.Contains(adminRoutes, r => r.Pattern == expected);
        }

        using var anonymous = fixture.App.Anonymous();
        foreach (var (pattern, methods) in adminRoutes)
        {
            var path = pattern.Replace("{id}", "0123456789abcdef", StringComparison.Ordinal).Replace("{SessionId}", "s1", StringComparison.Ordinal).Replace("{sessionId}", "s1", StringComparison.Ordinal).Replace("{targetId:int}", "1", StringComparison.Ordinal).Replace("{id:int}", "1", StringComparison.Ordinal);
            foreach (var method in methods.Length == 0 ? ["GET"] : methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("UserName=x", Encoding.UTF8, "application/x-www-form-urlencoded");
                }

                var response = await anonymous.SendAsync(request);
                bool refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/admin/login", StringComparison.Ordinal));
                Assert.True(refused, $"{method} {path} answered {(int)response.StatusCode} to an anonymous caller");
            }
        }
    }

    [Fact]
    public async Task Wrong_password_and_missing_antiforgery_token_are_refused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = fixture.App.BaseAddress };
        var response = await AdminApp.PostLoginAsync(http, "nobody", "wrong-password-123");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("error=invalid", response.Headers.Location!.OriginalString);
        var page = await http.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Wrong user name or password.", page);

        var forged = await http.PostAsync("/admin/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = AdminApp.User,
            ["Password"] = AdminApp.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Mirror_api_needs_the_antiforgery_header_and_names_unknown_targets()
    {
        using var admin = await fixture.App.SignInAsync();
        var forged = await admin.PostAsync("/api/admin/streams/stop/s1", null);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("anti-forgery", await forged.Content.ReadAsStringAsync());

        await AdminApp.AddAntiforgeryHeaderAsync(admin);
        var unknown = await admin.PostAsync("/api/admin/streams/987654/start/s1", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("There is no stream target 987654", await unknown.Content.ReadAsStringAsync());

        var stop = await admin.PostAsync("/api/admin/streams/stop/s1", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
    }

    [Fact]
    public async Task Setup_page_is_closed_once_an_admin_exists()
    {
        using var anonymous = fixture.App.Anonymous();
        var page = await anonymous.GetStringAsync("/admin/setup");
        Assert.Contains("Setup is finished", page);
        Assert.DoesNotContain("setup-form", page);
    }

    [Fact]
    public async Task Renamed_executable_is_rejected_by_its_magic_bytes()
    {
        using var http = await fixture.App.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(http);
        byte[] exe = [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, .. new byte[512]];
        var response = await AdminApp.UploadAsync(http, exe, "portrait.png", "image/png");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Contains("Windows executable (MZ header)", error);
        Assert.False(Directory.Exists(Path.Combine(fixture.App.DataFolder, "avatars")) && Directory.EnumerateFileSystemEntries(Path.Combine(fixture.App.DataFolder, "avatars")).Any(d => File.Exists(Path.Combine(d, "source.png.part"))));
    }

    [Fact]
    public async Task Path_traversal_file_name_is_rejected_clearly()
    {
        using var http = await fixture.App.SignInAsync();
        await AdminApp.AddAntiforgeryHeaderAsync(http);
        var png = await File.ReadAllBytesAsync(AdminTestAssets.AvatarPng);
        foreach (var name in new[] { "../../etc/passwd.png", "..\\..\\boot.ini.png", "/etc/cron.d/x.png" })
        {
            var response = await AdminApp.UploadAsync(http, png, name);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
            Assert.Contains("contains a path", error);
        }
    }

    [Fact]
    public async Task Two_gigabyte_declared_upload_is_refused_before_the_body_is_read()
    {
        var (http, cookies) = await fixture.App.SignInWithCookiesAsync();
        using var _ = http;
        var cookie = cookies.GetCookieHeader(fixture.App.BaseAddress);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.App.BaseAddress.Host, fixture.App.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var head = $"POST /api/admin/avatars HTTP/1.1\r\nHost: {fixture.App.BaseAddress.Authority}\r\nCookie: {cookie}\r\n" +
                   "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 2147483648\r\n\r\n--b\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read = await stream.ReadAsync(buffer, timeout.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("larger than the 200 MB upload limit", answer);
    }
}
