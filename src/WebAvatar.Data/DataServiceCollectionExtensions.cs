using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>SQLite store (section "Data"): a pooled <see cref="IDbContextFactory{WebAvatarDbContext}"/> for short units of work.</summary>
    public static IServiceCollection AddWebAvatarData(this IServiceCollection services)
    {
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataOptionsValidator>());
        services.AddPooledDbContextFactory<WebAvatarDbContext>((provider, db) =>
            db.UseSqlite(provider.GetRequiredService<IOptions<DataOptions>>().Value.ResolveConnectionString()));
        return services;
    }

    /// <summary>Creates the database or brings it to the latest migration. Call once at start, before serving.</summary>
    public static async Task MigrateWebAvatarDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<WebAvatarDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }
}
