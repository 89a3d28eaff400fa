using Microsoft.Extensions.Configuration;
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
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddWav2Lip().AddLipSync().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.Contains(named[(named.LastIndexOf('.') + 1)..] + ": ", error.Message); // the generated validators name the property
    }
}
