using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebAvatar.LipSync.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Avatar:Path", "", "AvatarOptions.Path")]
    [InlineData("Wav2Lip:BatchSize", "0", "Wav2LipOptions.BatchSize")]
    [InlineData("Wav2Lip:Preprocessing:MaxHeight", "10", "AvatarPreprocessingOptions.MaxHeight")]
    public async Task A_bad_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        using var provider = StartupValidation.ServicesWithSetting(key, value).AddWav2Lip().AddLipSync().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupValidation.RunAsync(provider, CancellationToken.None));
        Assert.Contains(StartupValidation.PropertyNamed(named), error.Message);
    }
}
