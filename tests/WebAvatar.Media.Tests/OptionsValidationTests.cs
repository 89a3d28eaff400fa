using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebAvatar.Media.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Media:VideoBitrateKbps", "1", "MediaOptions.VideoBitrateKbps")]
    [InlineData("Media:RtmpReconnectMinSeconds", "50", "RtmpReconnectMaxSeconds")]
    public async Task A_bad_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        using var provider = StartupValidation.ServicesWithSetting(key, value).AddMedia().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupValidation.RunAsync(provider, CancellationToken.None));
        Assert.Contains(StartupValidation.PropertyNamed(named), error.Message);
    }
}
