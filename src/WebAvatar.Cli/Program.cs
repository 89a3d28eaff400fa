using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebAvatar;
using WebAvatar.Cli;
using WebAvatar.LipSync;
using WebAvatar.Pipeline;
using WebAvatar.Speech;

var text = new Argument<string>("text") { Description = "What the avatar says." };
var output = new Option<string>("--output", "-o") { Description = "MP4 file to write.", Required = true };
var avatar = new Option<string?>("--avatar") { Description = "Avatar image (default: Avatar:Path from appsettings.json)." };
var voice = new Option<string?>("--voice") { Description = "TTS voice, e.g. en-us, de, fr, cmn (default: Tts:Voice)." };
var lipSync = new Option<string?>("--lipsync") { Description = "Lip-sync engine: auto, parametric, wav2lip." };
var speed = new Option<float?>("--speed") { Description = "Speaking speed factor (1.0 = normal)." };

var say = new Command("say", "Render a spoken, lip-synced MP4 of the avatar saying TEXT.") { text, output, avatar, voice, lipSync, speed };
say.SetAction(async (parse, cancellationToken) =>
{
    using var host = BuildHost();
    return await Run(() => SayCommand.RunAsync(host.Services, new SayCommand.Arguments(
        parse.GetValue(text)!, parse.GetValue(output)!, parse.GetValue(avatar), parse.GetValue(voice), parse.GetValue(lipSync), parse.GetValue(speed)), cancellationToken));
});

var prepareAvatar = new Option<string?>("--avatar") { Description = "Avatar image (default: Avatar:Path from appsettings.json)." };
var prepare = new Command("prepare", "Analyse the avatar's face and separate it from its background, filling the avatar cache.") { prepareAvatar };
prepare.SetAction(async (parse, cancellationToken) =>
{
    using var host = BuildHost();
    return await Run(() => PrepareCommand.RunAsync(host.Services, parse.GetValue(prepareAvatar), cancellationToken));
});

var root = new RootCommand("WebAvatar command line: render the avatar offline.") { say, prepare };
return await root.Parse(args).InvokeAsync();

static IHost BuildHost()
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppPaths.ContentRoot });
    builder.Configuration.Sources.Clear();
    builder.Configuration.AddWebAvatarSettings([]);
    builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddPipeline().AddSpeechSynthesis().AddWav2Lip().AddLipSync();
    return builder.Build();
}

static async Task<int> Run(Func<Task<int>> action)
{
    try
    {
        return await action();
    }
    catch (Exception ex) when (ex is CliException or ArgumentException or AvatarException or NotSupportedException or FileNotFoundException or InvalidDataException)
    {
        Console.Error.WriteLine("error: " + ex.Message);
        return 2;
    }
    catch (Microsoft.Extensions.Options.OptionsValidationException ex)
    {
        Console.Error.WriteLine("error: invalid configuration in appsettings.json: " + string.Join("; ", ex.Failures));
        return 2;
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("cancelled");
        return 130;
    }
}
