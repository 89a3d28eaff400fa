using WebAvatar.Data;

namespace WebAvatar.Web.Admin.Auth;

/// <summary>
/// At start: applies the database migrations, then creates the first admin from
/// WEBAVATAR_ADMIN_USER / WEBAVATAR_ADMIN_PASSWORD when no admin exists yet (otherwise /admin/setup does it).
/// </summary>
internal sealed partial class AdminBootstrapper(IServiceProvider services, AdminAccountService accounts, IConfiguration configuration, ILogger<AdminBootstrapper> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.MigrateWebAvatarDatabaseAsync(cancellationToken);

        var user = configuration["WEBAVATAR_ADMIN_USER"];
        var password = configuration["WEBAVATAR_ADMIN_PASSWORD"];
        if (string.IsNullOrWhiteSpace(user) && string.IsNullOrEmpty(password))
        {
            if (!await accounts.AnyAdminAsync(cancellationToken))
            {
                LogSetupNeeded(logger);
            }

            return;
        }

        var problems = AdminAccountService.Validate(user, password);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("WEBAVATAR_ADMIN_USER/WEBAVATAR_ADMIN_PASSWORD rejected: " + string.Join(" ", problems));
        }

        if (await accounts.CreateFirstAdminAsync(user!, password!, cancellationToken))
        {
            LogCreated(logger, user!);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No administrator yet: open /admin/setup to create one (or set WEBAVATAR_ADMIN_USER and WEBAVATAR_ADMIN_PASSWORD)")]
    private static partial void LogSetupNeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Administrator '{User}' created from the environment")]
    private static partial void LogCreated(ILogger logger, string user);
}
