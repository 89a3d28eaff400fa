using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Data;
using WebAvatar.Web.Admin;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Api.Keys;
using WebAvatar.Web.Tests.Admin;

namespace WebAvatar.Web.Tests.Api;

/// <summary>
/// A small in-process app on a loopback port with the admin cookie scheme and the API-key wiring of the real app
/// (AddApiKeys, and UseAdmin, which adds the rate limiter after authorization), plus a test endpoint standing in for /api/v1.
/// </summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    public const string WhoAmI = "/test/v1/whoami";
    public const string AdminOnly = "/test/admin-only";

    private readonly WebApplication _app;
    private readonly string _folder;

    private ApiTestHost(WebApplication app, string folder, Uri baseAddress)
    {
        _app = app;
        _folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public ApiKeyStore Keys => _app.Services.GetRequiredService<ApiKeyStore>();

    public static async Task<ApiTestHost> StartAsync(int requestsPerMinute = 1000)
    {
        var folder = AdminApp.NewDataFolder();
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Data:Folder"] = folder,
                ["Data:ConnectionString"] = $"Data Source={Path.Combine(folder, "api.db")};Pooling=False",
                ["Api:RequestsPerMinute"] = requestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddWebAvatarData();
            AdminAuthorization.AddServices(builder.Services);
            builder.AddApiKeys();

            app = builder.Build();
            app.UseAdmin();
            app.MapGet(WhoAmI, (ClaimsPrincipal user) => Results.Ok(new
            {
                keyId = ApiKeyClaims.GetKeyId(user),
                name = user.Identity?.Name,
                scheme = user.Identity?.AuthenticationType,
            })).RequireApiKey();
            app.MapGet(AdminOnly, () => Results.Ok("admin")).RequireAuthorization(AdminAuthorization.Policy);

            await app.Services.MigrateWebAvatarDatabaseAsync(CancellationToken.None);
            await app.StartAsync();
            return new ApiTestHost(app, folder, new Uri(app.Urls.Single()));
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
