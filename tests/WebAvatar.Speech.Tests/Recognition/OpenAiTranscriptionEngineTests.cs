using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Tests.Vad;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>
/// Whisper:Engine=openai end to end: the sessions' <see cref="StreamingTranscriber"/> decodes through the
/// OpenAI-compatible transcription server (a real HTTP server on the loopback interface) and the health line follows it.
/// </summary>
public sealed class OpenAiTranscriptionEngineTests(ITestOutputHelper output)
{
    private static readonly Lazy<(float[] Audio, List<(long Start, long End)> Speech)> OneTurn = new(() =>
        SpeechTestAudio.Compose([SpeechTestAudio.Speak("Good morning, how are you today?")], [0.5, 1.0]));

    [Fact]
    public async Task Sessions_on_engine_openai_get_the_servers_text_as_their_final()
    {
        using var server = new FakeTranscriptionServer();
        using var provider = Build(server.Root, new() { ["Whisper:Language"] = "en" });
        var factory = provider.GetRequiredService<StreamingTranscriberFactory>();
        Assert.Equal(OpenAiTranscriptionEngine.Name, factory.Recognizer.Engine);

        var events = await TranscribeAsync(factory, OneTurn.Value.Audio);

        var final = Assert.Single(events.OfType<FinalTranscriptEvent>());
        output.WriteLine($"final '{final.Text}' after {server.Requests.Count} request(s)");
        Assert.Equal(FakeTranscriptionServer.HeardText(final.SamplePosition - final.StartSample), final.Text);
        Assert.Equal(OpenAiTranscriptionEngine.Name, final.Details!.Engine);
        Assert.Equal((final.SamplePosition - final.StartSample) / 16_000.0, final.Details.AudioDuration.TotalSeconds, 3);
        Assert.Empty(events.OfType<PartialTranscriptEvent>()); // partials are off by default
        Assert.All(server.Requests, r => Assert.Equal(("en", 16_000), (r.Fields["language"], r.Wav().SampleRate)));
        Assert.InRange(server.Requests.Count, 1, 3); // the final, and the speculative ones at pauses
    }

    [Fact]
    public async Task With_partial_decodes_on_partials_arrive_while_the_user_speaks()
    {
        using var server = new FakeTranscriptionServer();
        using var provider = Build(server.Root, new() { ["Asr:OpenAiCompatible:PartialDecodes"] = "true", ["Whisper:PartialIntervalMs"] = "300" });
        var factory = provider.GetRequiredService<StreamingTranscriberFactory>();
        Assert.Contains("partial transcripts every 300 ms", factory.Recognizer.Detail);

        var events = await TranscribeAsync(factory, OneTurn.Value.Audio, realTime: true);

        var partials = events.OfType<PartialTranscriptEvent>().ToList();
        output.WriteLine($"{partials.Count} partials, {server.Requests.Count} requests");
        Assert.NotEmpty(partials);
        Assert.All(partials, p => Assert.StartsWith("heard ", p.Text));
        Assert.StartsWith("heard ", Assert.Single(events.OfType<FinalTranscriptEvent>()).Text);
    }

    [Theory]
    [InlineData(500, "{\"error\":{\"message\":\"model exploded\"}}", "answered 500")]
    [InlineData(503, "", "answered 503")]
    [InlineData(200, "{\"text\": \"unterminated", "without a JSON \"text\" field")]
    [InlineData(200, "<html>not json</html>", "without a JSON \"text\" field")]
    [InlineData(200, "{\"segments\": []}", "without a JSON \"text\" field")]
    public async Task A_failing_server_gives_an_empty_final_a_log_line_and_a_health_detail_until_it_answers_again(int status, string body, string reason)
    {
        using var server = new FakeTranscriptionServer(_ => Task.FromResult((status, body)));
        var logs = new ListLoggerProvider();
        using var provider = Build(server.Root, [], logs);
        var factory = provider.GetRequiredService<StreamingTranscriberFactory>();
        Assert.DoesNotContain("failing", factory.Recognizer.CurrentDetail);

        var events = await TranscribeAsync(factory, OneTurn.Value.Audio);

        var final = Assert.Single(events.OfType<FinalTranscriptEvent>());
        Assert.Equal(string.Empty, final.Text);
        Assert.Null(final.Details);
        Assert.NotEmpty(server.Requests);
        var health = factory.Recognizer.CurrentDetail;
        output.WriteLine(health);
        Assert.StartsWith("voice input: whisper-1 at " + server.Root + "/v1/audio/transcriptions", health);
        Assert.Contains("; failing: ", health);
        Assert.Contains(reason, health);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is failing", StringComparison.Ordinal) && e.Message.Contains(reason, StringComparison.Ordinal));

        // The server recovers: the next utterance is transcribed and the health line is clean again.
        server.Answer = FakeTranscriptionServer.DescribeUpload;
        var next = Assert.Single((await TranscribeAsync(factory, OneTurn.Value.Audio)).OfType<FinalTranscriptEvent>());
        Assert.StartsWith("heard ", next.Text);
        Assert.DoesNotContain("failing", factory.Recognizer.CurrentDetail);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("answers again", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(string endpoint, Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        settings.TryAdd("Whisper:Engine", "openai");
        settings.TryAdd("Asr:OpenAiCompatible:Endpoint", endpoint);
        settings.TryAdd("Vad:ModelPath", Path.Combine(TestPaths.RepoRoot, "models", "silero_vad_v5.onnx"));
        settings.TryAdd("Whisper:ModelsRoot", "/nonexistent/models");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging =>
        {
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddSpeechRecognition();
        return services.BuildServiceProvider();
    }

    /// <summary>One session's transcriber over all of <paramref name="audio"/> (at the real-time pace if asked), to the end of input.</summary>
    private static async Task<List<TranscriptionEvent>> TranscribeAsync(StreamingTranscriberFactory factory, float[] audio, bool realTime = false)
    {
        await using var transcriber = factory.Create();
        var run = transcriber.RunAsync(CancellationToken.None);
        var pcm = SpeechTestAudio.ToPcm16(audio);
        for (var pos = 0; pos < pcm.Length; pos += 320)
        {
            transcriber.Write(pcm.AsSpan(pos, Math.Min(320, pcm.Length - pos)));
            if (realTime)
            {
                await Task.Delay(20);
            }
        }

        transcriber.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        var events = new List<TranscriptionEvent>();
        await foreach (var e in transcriber.Events.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly ListLogger<object> _logger = new();

        public List<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_logger.Entries)
                {
                    return [.. _logger.Entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => _logger;

        public void Dispose()
        {
        }
    }
}
