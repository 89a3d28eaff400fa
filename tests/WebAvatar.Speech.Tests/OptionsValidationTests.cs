using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebAvatar.Speech.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Tts:Speed", "10", "TtsOptions.Speed")]
    [InlineData("Vad:MinSpeechMs", "1", "VadOptions.MinSpeechMs")]
    [InlineData("Whisper:Threads", "-1", "WhisperOptions.Threads")]
    public async Task A_bad_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSpeechSynthesis().AddSpeechRecognition().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.Contains(named[(named.LastIndexOf('.') + 1)..] + ": ", error.Message); // the generated validators name the property
    }
}
