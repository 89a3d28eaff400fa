using WebAvatar.Speech.Recognition;

namespace WebAvatar.Web.Health;

/// <summary>
/// Loads the chosen speech recognizer (and its warm-up decode) in the background at start, so neither the first
/// health request nor the first user's first words wait seconds for it. Failures are kept in the health line.
/// </summary>
public sealed partial class SpeechRecognizerWarmUp(StreamingTranscriberFactory transcribers, ILogger<SpeechRecognizerWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var selection = await Task.Run(() => transcribers.Recognizer, stoppingToken).ConfigureAwait(false);
        LogReady(logger, selection.Engine, clock.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speech recognizer ready: {Engine} after {Milliseconds} ms")]
    private static partial void LogReady(ILogger logger, string engine, long milliseconds);
}
