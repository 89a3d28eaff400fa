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
        using var provider = StartupValidation.ServicesWithSetting(key, value).AddSpeechSynthesis().AddSpeechRecognition().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupValidation.RunAsync(provider, CancellationToken.None));
        Assert.Contains(StartupValidation.PropertyNamed(named), error.Message);
    }
}
