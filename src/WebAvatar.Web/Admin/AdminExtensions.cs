using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.Data;
using WebAvatar.Web.Admin.Auth;
using WebAvatar.Web.Admin.Avatars;
using WebAvatar.Web.Admin.Broadcasts;
using WebAvatar.Web.Admin.History;
using WebAvatar.Web.Admin.Live;
using WebAvatar.Web.Admin.Streams;
using WebAvatar.Web.Admin.Voices;
using WebAvatar.Web.Api.Keys;

namespace WebAvatar.Web.Admin;

public static class AdminExtensions
{
    /// <summary>Admin dashboard: SQLite store (section "Data"), cookie sign-in, API keys, avatars, voices, personas, stream targets, broadcasts, live sessions, chat history.</summary>
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.AddWebAvatarData();
        // Sign-in cookies stay valid across restarts and machines sharing the data folder.
        var dataFolder = AppPaths.Resolve(builder.Configuration[$"{DataOptions.SectionName}:{nameof(DataOptions.Folder)}"] ?? new DataOptions().Folder);
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys"))).SetApplicationName("WebAvatar");
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        services.AddIdentityCore<Data.Entities.AdminUser>();
        services.TryAddSingleton(TimeProvider.System);
        AdminAuthorization.AddServices(services);
        builder.AddApiKeys();

        // Runs before the other hosted services so the schema exists when they start.
        services.AddHostedService<AdminBootstrapper>();
        services.AddSingleton<AdminAccountService>();

        services.AddSingleton<AvatarFiles>();
        services.AddSingleton<AvatarProgressTracker>();
        services.AddSingleton<AvatarProcessingQueue>();
        services.AddSingleton<AvatarImporter>();
        services.AddSingleton<AvatarLibrary>();
        services.AddSingleton<AvatarBackgroundEditor>();
        services.AddSingleton<Wav2LipAvatarPreparer>(); // needs AddWav2Lip (AvatarPreprocessor)
        services.AddHostedService<AvatarProcessor>();

        services.AddSingleton<EspeakVoiceCatalog>();
        services.AddSingleton<VoicePreviewService>();

        services.AddSingleton<StreamTargetStore>();
        services.AddSingleton<StreamMirrors>();

        services.AddSingleton<LiveSessionMonitor>();
        services.AddSingleton<BroadcastService>();
        services.AddSingleton<ChatHistoryStore>();
        services.AddHostedService(sp => sp.GetRequiredService<ChatHistoryStore>());
        return builder;
    }

    /// <summary>Sign-in middleware, the admin gate and the API rate limiter; call before the endpoints are mapped (and before UseAntiforgery).</summary>
    public static WebApplication UseAdmin(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(AdminAuthorization.GateAsync);
        app.UseApiKeys(); // after authorization, so API rate limits are counted per key
        return app;
    }

    /// <summary>Account form posts and /api/admin/**. The pages come with MapRazorComponents.</summary>
    public static WebApplication MapAdmin(this WebApplication app)
    {
        AccountEndpoints.Map(app);
        AdminApiEndpoints.Map(app.MapGroup("/api/admin").RequireAuthorization(AdminAuthorization.Policy));
        return app;
    }
}
