using Microsoft.EntityFrameworkCore;
using WebAvatar.Data.Entities;

namespace WebAvatar.Data;

public sealed class WebAvatarDbContext(DbContextOptions<WebAvatarDbContext> options) : DbContext(options)
{
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();

    public DbSet<AvatarRecord> Avatars => Set<AvatarRecord>();

    public DbSet<StreamTarget> StreamTargets => Set<StreamTarget>();

    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>
    /// Every DateTime is UTC in the code; stored and read back as UTC, so PostgreSQL's timestamptz accepts it and a value read
    /// back says so, whichever provider holds it.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AdminUser>(user =>
        {
            user.HasIndex(u => u.UserName).IsUnique();
            user.Property(u => u.UserName).HasMaxLength(64);
        });

        modelBuilder.Entity<AvatarRecord>(avatar =>
        {
            avatar.Property(a => a.Id).HasMaxLength(32);
            avatar.Property(a => a.Name).HasMaxLength(100);
            avatar.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
            avatar.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            avatar.Property(a => a.LipSyncEngine).HasMaxLength(32);
            avatar.Property(a => a.BackgroundMode).HasConversion<string>().HasMaxLength(16);
            avatar.Property(a => a.BackgroundColor).HasMaxLength(7);
            avatar.Property(a => a.BackgroundImage).HasMaxLength(64);
            avatar.OwnsOne(a => a.Face);
            avatar.OwnsOne(a => a.Voice);
            avatar.OwnsOne(a => a.Persona);
            avatar.Navigation(a => a.Voice).IsRequired();
            avatar.Navigation(a => a.Persona).IsRequired();
        });

        modelBuilder.Entity<StreamTarget>(target => target.Property(t => t.Name).HasMaxLength(100));

        modelBuilder.Entity<ChatMessage>(message =>
        {
            message.HasIndex(m => new { m.SessionId, m.AtUtc });
            message.Property(m => m.SessionId).HasMaxLength(64);
            message.Property(m => m.Role).HasMaxLength(16);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.HasIndex(k => k.Hash).IsUnique();
            key.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength);
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.Property(k => k.Hash).HasMaxLength(64);
            key.Property(k => k.AllowedOrigins).HasMaxLength(2000);
        });
    }
}
