using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Data.Entities;

namespace WebAvatar.Web.Admin.Auth;

public enum SignInOutcome
{
    Success,
    Invalid,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, string? UserName = null, DateTime? LockedUntilUtc = null);

/// <summary>Admin accounts: first-run creation, password checks with lockout. Passwords are only ever stored hashed.</summary>
public sealed class AdminAccountService(
    IDbContextFactory<WebAvatarDbContext> db,
    IPasswordHasher<AdminUser> hasher,
    IOptions<AdminOptions> options,
    TimeProvider time)
{
    // Verified when the user name is unknown so that a miss costs as much as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AdminUser>().HashPassword(null!, "not-a-real-password"));

    public async Task<bool> AnyAdminAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.AdminUsers.AnyAsync(cancellationToken);
    }

    /// <summary>Returns the problems with a proposed account (empty when acceptable).</summary>
    public static IReadOnlyList<string> Validate(string? userName, string? password)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(userName) || userName.Trim().Length > 64)
        {
            problems.Add("The user name must be 1 to 64 characters.");
        }

        if (password is null || password.Length < AdminOptions.MinPasswordLength)
        {
            problems.Add($"The password must be at least {AdminOptions.MinPasswordLength} characters long.");
        }

        return problems;
    }

    /// <summary>
    /// Creates the first administrator. Refuses (returns false) when one already exists, so the setup page
    /// cannot be used to add a second account or take over the first.
    /// </summary>
    public async Task<bool> CreateFirstAdminAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var problems = Validate(userName, password);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        await using var context = await db.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        if (await context.AdminUsers.AnyAsync(cancellationToken))
        {
            return false;
        }

        var user = new AdminUser { UserName = userName.Trim(), PasswordHash = string.Empty, CreatedUtc = time.GetUtcNow().UtcDateTime };
        user.PasswordHash = hasher.HashPassword(user, password);
        context.AdminUsers.Add(user);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Nodes of a cluster starting together on one database: another node created the first admin meanwhile.
            if (await AnyAdminAsync(cancellationToken))
            {
                return false;
            }

            throw;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<SignInResult> CheckPasswordAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        var name = userName?.Trim() ?? string.Empty;
        var user = await context.AdminUsers.FirstOrDefaultAsync(u => u.UserName == name, cancellationToken);
        if (user is null || string.IsNullOrEmpty(password))
        {
            hasher.VerifyHashedPassword(null!, DummyHash.Value, password ?? string.Empty);
            return new SignInResult(SignInOutcome.Invalid);
        }

        if (user.LockoutEndUtc is { } until && until > now)
        {
            return new SignInResult(SignInOutcome.LockedOut, user.UserName, until);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedAttempts++;
            SignInResult result = new(SignInOutcome.Invalid);
            if (user.FailedAttempts >= options.Value.MaxFailedSignIns)
            {
                user.FailedAttempts = 0;
                user.LockoutEndUtc = now.AddMinutes(options.Value.LockoutMinutes);
                result = new SignInResult(SignInOutcome.LockedOut, user.UserName, user.LockoutEndUtc);
            }

            await context.SaveChangesAsync(cancellationToken);
            return result;
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.FailedAttempts = 0;
        user.LockoutEndUtc = null;
        await context.SaveChangesAsync(cancellationToken);
        return new SignInResult(SignInOutcome.Success, user.UserName);
    }
}
