using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebAvatar.Data;

/// <summary>Used only by `dotnet ef migrations add` to build the model without the web app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<WebAvatarDbContext>
{
    public WebAvatarDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WebAvatarDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
