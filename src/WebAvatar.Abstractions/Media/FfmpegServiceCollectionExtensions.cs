using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WebAvatar.Media;

public static class FfmpegServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="FfmpegRunner"/>, with <see cref="FfmpegOptions"/> bound from the "Media" section
    /// (validated at start). Called by every <c>Add…()</c> that runs ffmpeg; idempotent.
    /// </summary>
    public static IServiceCollection AddFfmpeg(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(FfmpegRunner)))
        {
            return services;
        }

        services.AddOptions<FfmpegOptions>()
            .BindConfiguration(FfmpegOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FfmpegOptions>, FfmpegOptionsValidator>());
        services.TryAddSingleton(sp => new FfmpegRunner(sp.GetRequiredService<IOptions<FfmpegOptions>>().Value));
        return services;
    }
}
