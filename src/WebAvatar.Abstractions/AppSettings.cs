using Microsoft.Extensions.Configuration;

namespace WebAvatar;

/// <summary>
/// The configuration sources of the app and the CLI, in one place: the repo-level appsettings.json (linked next to
/// each executable), then environment variables (<c>Llm__Provider=Ollama</c>), then the command line; later ones override.
/// </summary>
public static class AppSettings
{
    public static IConfigurationBuilder AddWebAvatarSettings(this IConfigurationBuilder configuration, string[] args) =>
        configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args);
}
