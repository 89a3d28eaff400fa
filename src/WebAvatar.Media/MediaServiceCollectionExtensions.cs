using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebAvatar.Media.Codecs.Av;
using WebAvatar.Media.Session;

namespace WebAvatar.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the factory of each session's encoder and RTMP mirrors (which run the <see cref="FfmpegRunner"/> of <c>AddFfmpeg()</c>), with <see cref="MediaOptions"/> bound from
    /// the "Media" section and validated at start (including the libavcodec 59 / libavutil 57 version check).
    /// </summary>
    public static IServiceCollection AddMedia(this IServiceCollection services)
    {
        services.AddOptions<MediaOptions>()
            .BindConfiguration(MediaOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaOptions>, CodecLibraryValidation>());
        services.AddFfmpeg();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SessionMediaEncoderFactory(
            sp.GetRequiredService<IOptions<MediaOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetRequiredService<FfmpegRunner>()));
        return services;
    }

    /// <summary>Fails start-up validation with the version message when the FFmpeg libraries are missing or of another major version.</summary>
    private sealed class CodecLibraryValidation : IValidateOptions<MediaOptions>
    {
        public ValidateOptionsResult Validate(string? name, MediaOptions options)
        {
            try
            {
                AvLibrary.EnsureSupported();
                return ValidateOptionsResult.Success;
            }
            catch (AvException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
