using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace WebAvatar.LipSync.Faces;

public static class FaceDetectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="IFaceDetector"/> (a singleton: the cascade or network is loaded once) chosen by
    /// <see cref="FaceDetectionOptions"/>, which are bound from "FaceDetection" and validated at start. Idempotent.
    /// </summary>
    public static IServiceCollection AddFaceDetection(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IFaceDetector)))
        {
            return services;
        }

        services.AddOptions<FaceDetectionOptions>()
            .BindConfiguration(FaceDetectionOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FaceDetectionOptions>, FaceDetectionOptionsValidator>());
        services.TryAddSingleton(sp => Create(
            sp.GetRequiredService<IOptions<FaceDetectionOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(IFaceDetector).FullName!) ?? NullLogger.Instance));
        return services;
    }

    private static IFaceDetector Create(FaceDetectionOptions options, ILogger logger)
    {
        bool yunet = options.Detector == FaceDetectorKind.YuNet || (options.Detector == FaceDetectorKind.Auto && options.YuNetModelPresent);
        if (yunet)
        {
            var model = AppPaths.Resolve(options.YuNetModelPath);
            logger.LogInformation("Face detector: YuNet ({Model})", model);
            return new YuNetFaceDetector(model);
        }

        var haar = new HaarFaceDetector(AppPaths.Resolve(options.HaarCascadeDirectory));
        logger.LogInformation(
            "Face detector: Haar cascade in {Directory} ({Reason}){Missing}",
            AppPaths.Resolve(options.HaarCascadeDirectory),
            options.Detector == FaceDetectorKind.Haar ? "FaceDetection:Detector is Haar" : $"no YuNet model at {AppPaths.Resolve(options.YuNetModelPath)}",
            haar.IsAvailable ? "" : "; the cascade is missing, so faces cannot be found: install opencv-data");
        return haar;
    }
}
