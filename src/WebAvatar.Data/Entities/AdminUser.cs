namespace WebAvatar.Data.Entities;

/// <summary>An administrator account. The password is stored only as a PasswordHasher hash.</summary>
public sealed class AdminUser
{
    public int Id { get; set; }

    public required string UserName { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>Failed sign-ins since the last success; reset on success or when a lockout starts.</summary>
    public int FailedAttempts { get; set; }

    public DateTime? LockoutEndUtc { get; set; }

    public DateTime CreatedUtc { get; set; }
}
