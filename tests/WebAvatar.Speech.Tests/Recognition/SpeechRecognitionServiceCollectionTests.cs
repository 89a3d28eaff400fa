using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Vad;

namespace WebAvatar.Speech.Tests.Recognition;

public class SpeechRecognitionServiceCollectionTests
{
    [Fact]
    public async Task BindsSectionsAndResolvesTheVoiceInputServices()
    {
        using var provider = Build(new()
        {
            ["Vad:ModelPath"] = Path.Combine(TestPaths.RepoRoot, "models", "silero_vad_v5.onnx"),
            ["Vad:MinSilenceMs"] = "500",
            ["Whisper:ModelDirectory"] = GeneratedWhisperModels.Random,
            ["Whisper:Language"] = "auto",
        });

        Assert.Equal(500, provider.GetRequiredService<IOptions<VadOptions>>().Value.MinSilenceMs);
        Assert.Equal("silero-v5", provider.GetRequiredService<VoiceActivityDetectorFactory>().EngineName);
        var engine = provider.GetRequiredService<WhisperEngine>();
        Assert.True(engine.IsAvailable, engine.Describe());
        Assert.IsType<RecognizerSpeechToTextClient>(provider.GetRequiredService<ISpeechToTextClient>());
        await using var transcriber = provider.GetRequiredService<StreamingTranscriberFactory>().Create();
        Assert.False(transcriber.IsSpeaking);
    }

    [Fact]
    public void InvalidOptionsFailValidationWithTheSettingName()
    {
        using var provider = Build(new() { ["Vad:Threshold"] = "0.3", ["Vad:NegativeThreshold"] = "0.6" });
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VadOptions>>().Value);
        Assert.Contains("NegativeThreshold", ex.Message);

        using var whisper = Build(new() { ["Whisper:MaxNewTokens"] = "0" });
        Assert.Throws<OptionsValidationException>(() => whisper.GetRequiredService<IOptions<WhisperOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSpeechRecognition();
        return services.BuildServiceProvider();
    }
}
