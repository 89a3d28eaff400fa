using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebAvatar.Testing;

namespace WebAvatar.Data.Tests.PostgreSql;

/// <summary>One real PostgreSQL server for the PostgreSQL tests; each test gets its own database on it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A node's data layer, wired as the app wires it (options validated at start), on <paramref name="database"/>.</summary>
    public async Task<IHost> StartNodeAsync(string database, bool migrate = true)
    {
        var host = TempDatabase.Build(new Dictionary<string, string?>
        {
            ["Data:Provider"] = "PostgreSql",
            ["Data:ConnectionString"] = Server.ConnectionString(database),
        });
        await host.StartAsync();
        if (migrate)
        {
            await host.Services.MigrateWebAvatarDatabaseAsync(CancellationToken.None);
        }

        return host;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

internal static class HostData
{
    public static Task<WebAvatarDbContext> OpenAsync(this IHost host) =>
        host.Services.GetRequiredService<IDbContextFactory<WebAvatarDbContext>>().CreateDbContextAsync();
}
