using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebAvatar.Pipeline.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Pipeline:MinSegmentChars", "0", "PipelineOptions.MinSegmentChars")]
    [InlineData("Llm:HistoryMessages", "-1", "LlmOptions.HistoryMessages")]
    [InlineData("Sessions:GraceSeconds", "0", "SessionOptions.GraceSeconds")]
    public async Task A_bad_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPipeline().AddLiveSessions().BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.Contains(named[(named.LastIndexOf('.') + 1)..] + ": ", error.Message); // the generated validators name the property
    }
}
