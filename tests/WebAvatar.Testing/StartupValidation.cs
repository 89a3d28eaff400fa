using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WebAvatar.Testing;

/// <summary>
/// The shared steps of the OptionsValidationTests theories: configuration holding one (bad) setting, the start-up
/// validation the host runs for ValidateOnStart, and the text by which the generated validators name a property.
/// </summary>
public static class StartupValidation
{
    public static Dictionary<string, string?> OneSetting(string key, string? value) => new() { [key] = value };

    /// <summary>Services whose <see cref="IConfiguration"/> holds only that setting; the test adds the registrations it checks.</summary>
    public static IServiceCollection ServicesWithSetting(string key, string? value) =>
        new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(OneSetting(key, value)).Build());

    /// <summary>Runs every ValidateOnStart registration, as the host does when it starts.</summary>
    public static Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(cancellationToken);

    /// <summary>"MaxHeight: " for "AvatarPreprocessingOptions.MaxHeight" or "MaxHeight": the generated validators' messages start with the property name.</summary>
    public static string PropertyNamed(string named) => named[(named.LastIndexOf('.') + 1)..] + ": ";
}
