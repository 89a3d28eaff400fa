using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>The real app on a temp data folder with an admin created from the environment, plus sign-in helpers.</summary>
public sealed partial class AdminApp : IAsyncDisposable
{
    public const string User = "admin";
    public const string Password = "correct-horse-battery";

    private readonly bool _ownsDataFolder;

    private AdminApp(AppProcess process, string dataFolder, bool ownsDataFolder)
    {
        Process = process;
        DataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
    }

    public AppProcess Process { get; }

    public string DataFolder { get; }

    public Uri BaseAddress => Process.BaseAddress;

    public static string NewDataFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "webavatar-admin-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static async Task<AdminApp> StartAsync(string? dataFolder = null, bool withAdmin = true, IDictionary<string, string>? extra = null)
    {
        bool owns = dataFolder is null;
        dataFolder ??= NewDataFolder();
        var settings = new Dictionary<string, string>
        {
            ["Data:Folder"] = dataFolder,
            ["Data:ConnectionString"] = $"Data Source={Path.Combine(dataFolder, "webavatar.db")}",
        };
        if (withAdmin)
        {
            settings["WEBAVATAR_ADMIN_USER"] = User;
            settings["WEBAVATAR_ADMIN_PASSWORD"] = Password;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return new AdminApp(await AppProcess.StartAsync(settings), dataFolder, owns);
    }

    /// <summary>A client without cookies or redirects: what an anonymous caller sees.</summary>
    public HttpClient Anonymous() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    /// <summary>Signs in through the real login form (antiforgery token included) and returns the cookie-carrying client.</summary>
    public async Task<HttpClient> SignInAsync(string user = User, string password = Password) => (await SignInWithCookiesAsync(user, password)).Http;

    public async Task<(HttpClient Http, CookieContainer Cookies)> SignInWithCookiesAsync(string user = User, string password = Password)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = BaseAddress };
        var response = await PostLoginAsync(http, user, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("error", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {response.Headers.Location}");
        }

        return (http, cookies);
    }

    /// <summary>Posts the first-run setup form (with its antiforgery token) using <paramref name="http"/>'s cookies.</summary>
    public static async Task<HttpResponseMessage> PostSetupAsync(HttpClient http, string user, string password, string confirm)
    {
        var page = await http.GetStringAsync("/admin/setup");
        var token = TokenField().Match(page).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the setup page renders its form while no admin exists");
        return await http.PostAsync("/admin/account/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["UserName"] = user,
            ["Password"] = password,
            ["ConfirmPassword"] = confirm,
        }));
    }

    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string user, string password) => AdminSignIn.PostLoginAsync(http, user, password);

    /// <summary>Adds the X-CSRF-TOKEN header the upload API needs.</summary>
    public static Task AddAntiforgeryHeaderAsync(HttpClient http) => AdminSignIn.AddAntiforgeryHeaderAsync(http);

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient http, byte[] content, string fileName, string contentType = "image/png")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await http.PostAsync("/api/admin/avatars", form);
    }

    /// <summary>Uploads <paramref name="file"/> (expecting 201 Created) and returns the new avatar's id.</summary>
    public static async Task<string> UploadAvatarAsync(HttpClient http, string file, string fileName, string contentType = "image/png")
    {
        var upload = await UploadAsync(http, await File.ReadAllBytesAsync(file), fileName, contentType);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        return (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> WaitForAvatarAsync(HttpClient http, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var list = await http.GetFromJsonAsync<JsonElement>("/api/admin/avatars");
            var avatar = list.EnumerateArray().First(a => a.GetProperty("id").GetString() == id);
            var status = avatar.GetProperty("status").GetString();
            if (status != "Processing" || DateTime.UtcNow > deadline)
            {
                return avatar;
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        if (!_ownsDataFolder)
        {
            return;
        }

        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Regex TokenField() => AdminSignIn.TokenField();
}

/// <summary>One app shared by the admin HTTP and browser tests (starting one costs seconds).</summary>
public sealed class AdminAppFixture : IAsyncLifetime
{
    public AdminApp App { get; private set; } = null!;

    // Several tests of the collection open sessions (chat pages, API sessions); room for all of them, so that one test's
    // session in its grace time never makes another test's request look refused.
    public async Task InitializeAsync() => App = await AdminApp.StartAsync(extra: new Dictionary<string, string> { ["Sessions:MaxSessions"] = "8" });

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AdminAppCollection : ICollectionFixture<AdminAppFixture>
{
    public const string Name = "admin app";
}
