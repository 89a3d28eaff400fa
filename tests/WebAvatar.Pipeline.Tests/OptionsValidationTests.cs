using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.Testing;

namespace WebAvatar.Pipeline.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Pipeline:MinSegmentChars", "0", "PipelineOptions.MinSegmentChars")]
    [InlineData("Llm:HistoryMessages", "-1", "LlmOptions.HistoryMessages")]
    [InlineData("Sessions:GraceSeconds", "0", "SessionOptions.GraceSeconds")]
    public async Task A_bad_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        using var provider = StartupValidation.ServicesWithSetting(key, value).AddPipeline().AddLiveSessions().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupValidation.RunAsync(provider, CancellationToken.None));
        Assert.Contains(StartupValidation.PropertyNamed(named), error.Message);
    }
}
