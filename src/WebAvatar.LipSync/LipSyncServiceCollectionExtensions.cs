using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Matting;
using WebAvatar.LipSync.Parametric;

namespace WebAvatar.LipSync;

public static class LipSyncServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="AvatarOptions"/> from the "Avatar" section (validated at start) and registers the parametric
    /// renderer factory as an <see cref="IAvatarRendererFactory"/>, with the matting of <see cref="MattingOptions"/> ("Matting") (other engines add theirs beside it), with the app's
    /// face detector (<see cref="FaceDetectionServiceCollectionExtensions.AddFaceDetection"/>).
    /// </summary>
    public static IServiceCollection AddLipSync(this IServiceCollection services)
    {
        services.AddFaceDetection();
        services.AddOptions<AvatarOptions>()
            .BindConfiguration(AvatarOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AvatarOptions>, AvatarOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AvatarOptions>, AvatarBackgroundRuleValidator>());
        services.AddOptions<MattingOptions>()
            .BindConfiguration(MattingOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MattingOptions>, MattingOptionsValidator>());
        services.TryAddSingleton<IAvatarMatting, AvatarMatting>();
        services.TryAddSingleton<ParametricAvatarRendererFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAvatarRendererFactory, ParametricAvatarRendererFactory>(
            sp => sp.GetRequiredService<ParametricAvatarRendererFactory>()));
        return services;
    }
}
