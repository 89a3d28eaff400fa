using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Synthesis;
using WebAvatar.Speech.Synthesis.Espeak;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Speech.Tests.Synthesis;

public sealed class SpeechSynthesisServiceCollectionExtensionsTests(PiperModelFixture models) : IClassFixture<PiperModelFixture>
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSpeechSynthesis();
        return builder.Build();
    }

    [Fact]
    public async Task Default_engine_is_espeak_and_speaks()
    {
        using var host = Build([]);
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ITextToSpeechClient>();
        Assert.IsType<EspeakTextToSpeechClient>(client);
        var response = await client.GetAudioAsync("Configured.");
        Assert.NotEmpty(PcmAudioContent.GetSamples(response.Contents.OfType<DataContent>().Single()));
        await host.StopAsync();
    }

    [Fact]
    public async Task Piper_engine_is_a_config_change()
    {
        using var host = Build(new()
        {
            ["Tts:Engine"] = "piper",
            ["Tts:Voice"] = PiperModelFixture.Voice,
            ["Tts:Piper:ModelDirectory"] = models.Directory,
            ["Tts:Piper:Voices:tiny-en:LengthScale"] = "1.2",
        });
        await host.StartAsync();
        Assert.IsType<PiperTextToSpeechClient>(host.Services.GetRequiredService<ITextToSpeechClient>());
        var catalog = host.Services.GetRequiredService<ITtsCatalog>();
        Assert.Equal("piper", catalog.ActiveEngine);
        Assert.Contains(catalog.GetEngines(), e => e.Name == "piper" && e.Available && e.Active);
        Assert.Contains(catalog.GetVoices("piper"), v => v.Id == PiperModelFixture.Voice && v.Languages.Contains("en_us"));
        Assert.Contains(catalog.GetVoices("espeak"), v => v.Id == "en-us");
        await host.StopAsync();
    }

    [Theory]
    [InlineData("openai", null, "Tts:Endpoint")]
    [InlineData("festival", null, "Tts:Engine must be espeak, piper or openai")]
    [InlineData("espeak", "elvish", "Voice 'elvish' is not available")]
    public async Task Bad_settings_fail_at_start(string engine, string? voice, string expected)
    {
        using var host = Build(new() { ["Tts:Engine"] = engine, ["Tts:Voice"] = voice });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message);
    }
}
