using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Speech.Recognition;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>
/// The registered <see cref="ISpeechToTextClient"/> decodes with the engine the conversations use
/// (<see cref="UtteranceRecognizerSelector"/>), whichever it is, and says which.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public class RecognizerSpeechToTextClientTests(ITestOutputHelper output)
{
    private static readonly Lazy<byte[]> ReferenceWav = new(() => PcmStreamReaderTests.Wav(Pcm(WhisperFeatureExtractorTests.ReferenceSignal()), 16_000, 1));

    [Fact]
    public async Task WithOnnxSelectedTheClientReturnsWhatTheOnnxEngineDecodes()
    {
        using var provider = Build(new()
        {
            ["Whisper:Engine"] = "onnx",
            ["Whisper:ModelDirectory"] = GeneratedWhisperModels.Random,
            ["Whisper:MaxNewTokens"] = "6",
        });
        var client = Assert.IsType<RecognizerSpeechToTextClient>(provider.GetRequiredService<ISpeechToTextClient>());
        var expected = await DecodeDirectly(provider);

        var response = await client.GetTextAsync(new MemoryStream(ReferenceWav.Value));

        output.WriteLine($"'{response.Text}'");
        Assert.NotEmpty(expected.Tokens);
        Assert.Equal(expected.Text, response.Text);
        Assert.Equal(WhisperRecognizer.Name, response.AdditionalProperties?[RecognizerSpeechToTextClient.EngineKey]);
        var details = Assert.IsType<WhisperTranscription>(response.RawRepresentation);
        Assert.Equal(expected.Tokens, details.Tokens);
        Assert.Equal(TimeSpan.FromSeconds(2.5), response.EndTime);
        Assert.Equal(WhisperRecognizer.Name, client.GetService<SpeechToTextClientMetadata>()!.ProviderName);

        // The streaming form: one update with the whole transcript.
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in client.GetStreamingTextAsync(new MemoryStream(ReferenceWav.Value)))
        {
            updates.Add(update);
        }

        var single = Assert.Single(updates);
        Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdated, single.Kind);
        Assert.Equal(expected.Text, single.Text);
        Assert.Equal(WhisperRecognizer.Name, single.AdditionalProperties?[RecognizerSpeechToTextClient.EngineKey]);
    }

    [Fact]
    public async Task WithWhisperNetSelectedTheClientReturnsWhatWhisperNetDecodes()
    {
        using var provider = Build(new()
        {
            ["Whisper:Engine"] = "whisper.net",
            ["Whisper:GgmlModelPath"] = GeneratedGgmlModels.Random,
            ["Whisper:MaxNewTokens"] = "8",
        });
        var client = provider.GetRequiredService<ISpeechToTextClient>();
        var expected = await DecodeDirectly(provider);

        // Raw PCM this time, with its rate declared.
        var raw = ReferenceWav.Value.AsSpan(44).ToArray();
        var response = await client.GetTextAsync(new MemoryStream(raw), new SpeechToTextOptions { SpeechSampleRate = 16_000 });

        output.WriteLine($"'{response.Text}'");
        Assert.Equal(expected.Text, response.Text);
        Assert.Equal(WhisperNetRecognizer.Name, response.AdditionalProperties?[RecognizerSpeechToTextClient.EngineKey]);
        Assert.Equal(WhisperNetRecognizer.Name, Assert.IsType<WhisperTranscription>(response.RawRepresentation).Engine);
        var metadata = client.GetService<SpeechToTextClientMetadata>()!;
        Assert.Equal(WhisperNetRecognizer.Name, metadata.ProviderName);
        Assert.Contains("ggml-tiny-random.bin", metadata.DefaultModelId);
    }

    [Fact]
    public async Task WithTheServerSelectedTheClientReturnsTheServersTextForAtMostThirtySeconds()
    {
        using var server = new FakeTranscriptionServer();
        using var provider = Build(new() { ["Whisper:Engine"] = "openai", ["Asr:OpenAiCompatible:Endpoint"] = server.Root });
        var client = provider.GetRequiredService<ISpeechToTextClient>();

        var response = await client.GetTextAsync(new MemoryStream(PcmStreamReaderTests.Wav(new short[35 * 16_000], 16_000, 1)));

        Assert.Equal(FakeTranscriptionServer.HeardText(30 * 16_000), response.Text);
        Assert.Equal(OpenAiTranscriptionEngine.Name, response.AdditionalProperties?[RecognizerSpeechToTextClient.EngineKey]);
        Assert.Equal(TimeSpan.FromSeconds(30), response.EndTime);
        Assert.Equal(30.0, Assert.Single(server.Requests).Seconds, 3);
        Assert.Equal(OpenAiTranscriptionEngine.Name, client.GetService<SpeechToTextClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task WithVoiceInputDisabledTheClientThrowsTheSelectionsReason()
    {
        using var provider = Build(new() { ["Whisper:Engine"] = "whisper.net", ["Whisper:GgmlModelPath"] = "/nonexistent/ggml-base.bin" });
        var client = provider.GetRequiredService<ISpeechToTextClient>();
        var selection = provider.GetRequiredService<UtteranceRecognizerSelector>().Select();
        Assert.False(selection.Active);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetTextAsync(new MemoryStream(ReferenceWav.Value)));
        output.WriteLine(ex.Message);
        Assert.Equal(selection.Detail, ex.Message);
        Assert.StartsWith("Voice input disabled: Whisper:Engine is whisper.net but no ggml model at /nonexistent/ggml-base.bin", ex.Message);

        var streaming = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var update in client.GetStreamingTextAsync(new MemoryStream(ReferenceWav.Value)))
            {
                Assert.Fail($"unexpected update '{update.Text}'");
            }
        });
        Assert.Equal(selection.Detail, streaming.Message);
        Assert.Equal(RecognizerSelection.Disabled, client.GetService<SpeechToTextClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task CancellingStopsADecodeInFlight()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<(int, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new FakeTranscriptionServer(_ =>
        {
            received.TrySetResult();
            return release.Task;
        });
        try
        {
            using var provider = Build(new() { ["Whisper:Engine"] = "openai", ["Asr:OpenAiCompatible:Endpoint"] = server.Root });
            var client = provider.GetRequiredService<ISpeechToTextClient>();
            using var cts = new CancellationTokenSource();

            var call = client.GetTextAsync(new MemoryStream(ReferenceWav.Value), cancellationToken: cts.Token);
            await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(call.IsCompleted);
            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            release.TrySetResult((200, FakeTranscriptionServer.Json("too late")));
        }
    }

    [Fact]
    public async Task AnAlreadyCancelledCallDoesNotDecode()
    {
        using var provider = Build(new() { ["Whisper:Engine"] = "onnx", ["Whisper:ModelDirectory"] = GeneratedWhisperModels.Random });
        var client = provider.GetRequiredService<ISpeechToTextClient>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.GetTextAsync(new MemoryStream(ReferenceWav.Value), cancellationToken: new CancellationToken(canceled: true)));
    }

    /// <summary>What the selected recognizer itself makes of the reference WAV, as the conversations would decode it.</summary>
    private static async Task<WhisperTranscription> DecodeDirectly(ServiceProvider provider)
    {
        var selection = provider.GetRequiredService<UtteranceRecognizerSelector>().Select();
        Assert.True(selection.Active, selection.Detail);
        var audio = PcmStreamReader.Decode(ReferenceWav.Value, null);
        return await selection.Recognizer!.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Vad:ModelPath", Path.Combine(TestPaths.RepoRoot, "models", "silero_vad_v5.onnx"));
        settings.TryAdd("Whisper:ModelsRoot", "/nonexistent/models");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSpeechRecognition();
        return services.BuildServiceProvider();
    }

    private static short[] Pcm(float[] samples) => samples.Select(s => (short)Math.Round(s * 32767)).ToArray();
}
