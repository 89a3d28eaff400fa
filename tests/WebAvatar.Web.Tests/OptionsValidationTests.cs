using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebAvatar.Web.Tests;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Api:RequestsPerMinute", "0", "ApiOptions.RequestsPerMinute")]
    [InlineData("Admin:MaxFailedSignIns", "0", "AdminOptions.MaxFailedSignIns")]
    [InlineData("WebAvatar:ModelsPath", "", "WebAvatarOptions.ModelsPath")]
    [InlineData("Data:Folder", "", "DataOptions.Folder")]
    [InlineData("Cluster:NodeFailureSeconds", "1", "WebAvatarClusterOptions.NodeFailureSeconds")]
    public async Task A_bad_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddWebAvatar();
        builder.Configuration.AddInMemoryCollection(StartupValidation.OneSetting(key, value));
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupValidation.RunAsync(app.Services, CancellationToken.None));
        Assert.Contains(StartupValidation.PropertyNamed(named), error.Message);
    }

    [Fact]
    public async Task A_redis_cluster_without_its_connection_string_fails_at_start_saying_so()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddWebAvatar();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:Membership"] = "Redis", ["Cluster:SiloPort"] = "11111" });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupValidation.RunAsync(app.Services, CancellationToken.None));
        Assert.Contains("Cluster:RedisConnectionString is empty", error.Message);
    }
}
