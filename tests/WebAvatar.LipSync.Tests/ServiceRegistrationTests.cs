using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync.Parametric;

namespace WebAvatar.LipSync.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public void BindsOptionsAndRegistersTheParametricFactory()
    {
        using var provider = Build(new() { ["Avatar:Path"] = "a.png", ["Avatar:LipSync"] = "parametric", ["Avatar:CacheDirectory"] = "/tmp/c" });
        var options = provider.GetRequiredService<IOptions<AvatarOptions>>().Value;
        Assert.Equal(("a.png", LipSyncEngineKind.Parametric, "/tmp/c"), (options.Path, options.LipSync, options.CacheDirectory));

        var factories = provider.GetServices<IAvatarRendererFactory>().ToList();
        var factory = Assert.Single(factories);
        Assert.IsType<ParametricAvatarRendererFactory>(factory);
        Assert.Equal("parametric", factory.EngineName);
        Assert.True(factory.IsAvailable, "Haar cascades missing: install Debian opencv-data");
    }

    [Fact]
    public void DefaultsPointAtTheDefaultAvatar()
    {
        using var provider = Build([]);
        var options = provider.GetRequiredService<IOptions<AvatarOptions>>().Value;
        Assert.Equal("wwwroot-assets/avatars/default/avatar.png", options.Path);
        Assert.Equal(LipSyncEngineKind.Auto, options.LipSync);
    }

    [Fact]
    public void EmptyPathFailsValidation()
    {
        using var provider = Build(new() { ["Avatar:Path"] = "" });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AvatarOptions>>().Value);
        Assert.Contains("Path", error.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLipSync();
        return services.BuildServiceProvider();
    }
}
