using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WebAvatar.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>The assembly holding the PostgreSQL migrations (SQLite's live in this one); the host must reference it.</summary>
    public const string PostgreSqlMigrationsAssembly = "WebAvatar.Data.PostgreSql";

    /// <summary>
    /// The store (section "Data"): SQLite by default, PostgreSQL when <see cref="DataOptions.Provider"/> says so; a pooled
    /// <see cref="IDbContextFactory{WebAvatarDbContext}"/> for short units of work.
    /// </summary>
    public static IServiceCollection AddWebAvatarData(this IServiceCollection services)
    {
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataConnectionValidator>());
        services.AddPooledDbContextFactory<WebAvatarDbContext>((provider, db) => Configure(db, provider.GetRequiredService<IOptions<DataOptions>>().Value));
        return services;
    }

    /// <summary>Points <paramref name="db"/> at the configured provider, with that provider's migrations.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder db, DataOptions options) => options.Provider switch
    {
        DataProvider.PostgreSql => db.UseNpgsql(options.ResolveConnectionString(), npgsql => npgsql.MigrationsAssembly(PostgreSqlMigrationsAssembly)),
        _ => db.UseSqlite(options.ResolveConnectionString()),
    };

    /// <summary>
    /// Creates the database or brings it to the latest migration. Call once at start, before serving. Nodes starting together
    /// are safe: EF Core holds a database lock while it migrates.
    /// </summary>
    public static async Task MigrateWebAvatarDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<WebAvatarDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (!db.Database.GetMigrations().Any())
        {
            throw new InvalidOperationException(
                $"No migrations found for {db.Database.ProviderName}: the app must ship {PostgreSqlMigrationsAssembly}.dll beside WebAvatar.Data.dll.");
        }

        try
        {
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another node created the database between this one's "exists?" and its CREATE DATABASE: it exists now, and the
            // migration itself runs under EF Core's lock.
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
