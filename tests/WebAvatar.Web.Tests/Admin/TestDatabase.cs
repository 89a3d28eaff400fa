using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Data.Entities;
using WebAvatar.Web.Admin;
using WebAvatar.Web.Admin.Auth;

namespace WebAvatar.Web.Tests.Admin;

/// <summary>A migrated SQLite file in a temp folder with the admin services that only need the database.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(ServiceProvider services, string folder)
    {
        Services = services;
        Folder = folder;
    }

    public ServiceProvider Services { get; }

    public string Folder { get; }

    public IDbContextFactory<WebAvatarDbContext> Contexts => Services.GetRequiredService<IDbContextFactory<WebAvatarDbContext>>();

    public static async Task<TestDatabase> CreateAsync(Action<IServiceCollection>? configure = null)
    {
        var folder = AdminApp.NewDataFolder();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Data:ConnectionString"] = $"Data Source={Path.Combine(folder, "test.db")};Pooling=False",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IPasswordHasher<AdminUser>, PasswordHasher<AdminUser>>()
            .AddSingleton<AdminAccountService>();
        services.AddOptions<AdminOptions>();
        services.AddWebAvatarData();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.MigrateWebAvatarDatabaseAsync(CancellationToken.None);
        return new TestDatabase(provider, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
