using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace WebAvatar.Data.Tests;

/// <summary>
/// A real SQLite file in a temp folder, wired as the app wires it (<see cref="DataServiceCollectionExtensions.AddWebAvatarData"/>,
/// options validated at start) and migrated from empty.
/// </summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    private TempDatabase(string folder, IHost host)
    {
        Folder = folder;
        Host = host;
    }

    public string Folder { get; }

    public string FilePath => Path.Combine(Folder, "webavatar.db");

    public IHost Host { get; }

    public IDbContextFactory<WebAvatarDbContext> Contexts => Host.Services.GetRequiredService<IDbContextFactory<WebAvatarDbContext>>();

    public static async Task<TempDatabase> CreateAsync(bool migrate = true)
    {
        string folder = Path.Combine(Path.GetTempPath(), "webavatar-data-tests-" + Guid.NewGuid().ToString("N"));
        var host = Build(new Dictionary<string, string?>
        {
            ["Data:ConnectionString"] = $"Data Source={Path.Combine(folder, "webavatar.db")};Pooling=False",
            ["Data:Folder"] = folder,
        });
        await host.StartAsync();
        var database = new TempDatabase(folder, host);
        if (migrate)
        {
            await host.Services.MigrateWebAvatarDatabaseAsync(CancellationToken.None);
        }

        return database;
    }

    public static IHost Build(IDictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddWebAvatarData();
        return builder.Build();
    }

    public async Task<WebAvatarDbContext> OpenAsync() => await Contexts.CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
