using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using OpenCvSharp;
using WebAvatar.LipSync.Faces;
using WebAvatar.LipSync.Parametric;
using WebAvatar.LipSync.Preprocessing;

namespace WebAvatar.LipSync.Tests.Faces;

public sealed class FaceDetectionRegistrationTests
{
    [Fact]
    public void Without_a_YuNet_model_the_one_detector_is_Haar_and_the_log_says_why()
    {
        var log = new CapturingLoggerProvider(LogLevel.Information);
        var absent = Path.Combine(TestAssets.NewTempDirectory(), "none.onnx");
        using var provider = Build(new() { ["FaceDetection:YuNetModelPath"] = absent }, log);

        var detector = Assert.Single(provider.GetServices<IFaceDetector>());
        Assert.IsType<HaarFaceDetector>(detector);
        Assert.Contains(log.Messages, l => l.Contains("Face detector: Haar", StringComparison.Ordinal) && l.Contains(absent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_YuNet_model_present_every_user_gets_the_same_YuNet_detector()
    {
        var log = new CapturingLoggerProvider(LogLevel.Information);
        using var provider = Build(new() { ["FaceDetection:YuNetModelPath"] = YuNetFaceDetectorTests.Model.Value }, log);

        var detector = Assert.IsType<YuNetFaceDetector>(Assert.Single(provider.GetServices<IFaceDetector>()));
        Assert.Same(detector, provider.GetRequiredService<IFaceDetector>());
        Assert.Contains(log.Messages, l => l.Contains("Face detector: YuNet", StringComparison.Ordinal));

        // The Wav2Lip preprocessing records its detector in the cache key, so it is the registered one.
        var preprocessor = provider.GetRequiredService<AvatarPreprocessor>();
        var image = Path.Combine(TestAssets.NewTempDirectory(), "white.png");
        using (var white = new Mat(240, 320, MatType.CV_8UC3, Scalar.All(255)))
        {
            Cv2.ImWrite(image, white);
        }

        var avatar = await preprocessor.LoadOrPreprocessAsync(image, null, CancellationToken.None);
        Assert.Equal("yunet", avatar.Manifest.Detector);
        Assert.Equal(new FaceBox(184, 32, 264, 128 + 10), avatar.Boxes[0]); // YuNet's box reaches the chin: only the 10 px bottom pad
        Assert.True(provider.GetServices<IAvatarRendererFactory>().OfType<ParametricAvatarRendererFactory>().Single().IsAvailable);
    }

    [Fact]
    public void Asking_for_YuNet_without_its_model_fails_at_start_naming_the_file()
    {
        var absent = Path.Combine(TestAssets.NewTempDirectory(), "none.onnx");
        using var provider = Build(new() { ["FaceDetection:Detector"] = "YuNet", ["FaceDetection:YuNetModelPath"] = absent }, new CapturingLoggerProvider());
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FaceDetectionOptions>>().Value);
        Assert.Contains(absent, error.Message);
    }

    [Fact]
    public void Haar_can_be_chosen_even_when_the_YuNet_model_is_present()
    {
        using var provider = Build(new() { ["FaceDetection:Detector"] = "Haar", ["FaceDetection:YuNetModelPath"] = YuNetFaceDetectorTests.Model.Value }, new CapturingLoggerProvider());
        Assert.IsType<HaarFaceDetector>(provider.GetRequiredService<IFaceDetector>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, CapturingLoggerProvider log)
    {
        settings["Wav2Lip:Preprocessing:CacheDirectory"] = TestAssets.NewTempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(log));
        services.AddWav2Lip().AddLipSync();
        return services.BuildServiceProvider();
    }
}
