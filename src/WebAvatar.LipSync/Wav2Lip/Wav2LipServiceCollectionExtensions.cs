using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Preprocessing;
using WebAvatar.LipSync.Wav2Lip;
using WebAvatar.Media;

namespace WebAvatar.LipSync;

public static class Wav2LipServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Wav2Lip engine (options "Wav2Lip") and avatar preprocessing (options "Wav2Lip:Preprocessing"), which
    /// decodes with the app's <see cref="FfmpegRunner"/> and finds faces with its <see cref="IFaceDetector"/>.
    /// Call it before <c>AddLipSync()</c> (the parametric engine): engine "auto" takes the first available factory.
    /// </summary>
    public static IServiceCollection AddWav2Lip(this IServiceCollection services)
    {
        services.AddOptions<Wav2LipOptions>().BindConfiguration(Wav2LipOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Wav2LipOptions>, Wav2LipOptionsValidator>());
        services.AddOptions<AvatarPreprocessingOptions>().BindConfiguration(AvatarPreprocessingOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AvatarPreprocessingOptions>, AvatarPreprocessingOptionsValidator>());
        services.AddFaceDetection().AddFfmpeg();
        services.TryAddSingleton<AvatarPreprocessor>();
        services.TryAddSingleton<Wav2LipRendererFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAvatarRendererFactory, Wav2LipRendererFactory>(
            sp => sp.GetRequiredService<Wav2LipRendererFactory>()));
        return services;
    }
}
