using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebAvatar.Data.PostgreSql;

/// <summary>
/// Used only by `dotnet ef migrations add --project src/WebAvatar.Data.PostgreSql`: builds the PostgreSQL model without a
/// server (nothing connects while a migration is written).
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<WebAvatarDbContext>
{
    public WebAvatarDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<WebAvatarDbContext>();
        DataServiceCollectionExtensions.Configure(builder, new DataOptions { Provider = DataProvider.PostgreSql, ConnectionString = "Host=localhost;Database=webavatar" });
        return new WebAvatarDbContext(builder.Options);
    }
}
