using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Tests.Vad;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>Whisper:Engine picks what the sessions' streaming transcribers decode with, and the health line says which.</summary>
[Collection(MemoryMeasurementCollection.Name)]
public class UtteranceRecognizerSelectorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheFactoryWithWhisperNetConfiguredStreamsPartialsAndFinalsFromWhisperNet()
    {
        using var provider = Build(new()
        {
            ["Whisper:Engine"] = "whisper.net",
            ["Whisper:GgmlModelPath"] = GeneratedGgmlModels.Random,
            ["Whisper:MaxNewTokens"] = "8",
            ["Whisper:PartialIntervalMs"] = "300",
        });
        var factory = provider.GetRequiredService<StreamingTranscriberFactory>();
        Assert.Equal("Whisper.net", factory.Recognizer.Engine);
        Assert.True(factory.Recognizer.Active);
        Assert.Contains("ggml-tiny-random.bin", factory.Recognizer.Detail);

        var (audio, _) = SpeechTestAudio.Compose(
            [SpeechTestAudio.Speak("Good morning, how are you? I would like to hear a story about the sea.")], [0.5, 1.0]);
        await using var transcriber = factory.Create();
        Assert.Equal("Whisper.net", transcriber.EngineName);
        var run = transcriber.RunAsync(CancellationToken.None);
        var pcm = SpeechTestAudio.ToPcm16(audio);
        for (var pos = 0; pos < pcm.Length; pos += 320)
        {
            transcriber.Write(pcm.AsSpan(pos, Math.Min(320, pcm.Length - pos)));
            await Task.Delay(20); // real time, so partial decodes run while the user speaks
        }

        transcriber.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        var events = new List<TranscriptionEvent>();
        await foreach (var e in transcriber.Events.ReadAllAsync())
        {
            events.Add(e);
        }

        var partials = events.OfType<PartialTranscriptEvent>().ToList();
        var final = Assert.Single(events.OfType<FinalTranscriptEvent>());
        output.WriteLine($"{partials.Count} partials; final '{final.Text}' in {final.Details?.TotalTime.TotalMilliseconds:F0} ms");
        Assert.NotEmpty(partials);
        Assert.Equal("Whisper.net", final.Details!.Engine);
        Assert.Equal((final.SamplePosition - final.StartSample) / 16_000.0, final.Details.AudioDuration.TotalSeconds, 3);
    }

    [Fact]
    public void AutoPicksWhisperNetWhenAGgmlModelIsPresentAndOnnxOtherwise()
    {
        var root = TestPaths.NewTempDirectory("webavatar-auto-engine");
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "whisper-tiny"), GeneratedWhisperModels.Random);
            using (var onnxOnly = Build(new() { ["Whisper:ModelsRoot"] = root }))
            {
                var selection = onnxOnly.GetRequiredService<UtteranceRecognizerSelector>().Select();
                Assert.Equal(WhisperRecognizer.Name, selection.Engine);
                Assert.IsType<WhisperRecognizer>(selection.Recognizer);
            }

            File.CreateSymbolicLink(Path.Combine(root, "ggml-tiny.bin"), GeneratedGgmlModels.Random);
            using (var both = Build(new() { ["Whisper:ModelsRoot"] = root }))
            {
                var selection = both.GetRequiredService<UtteranceRecognizerSelector>().Select();
                Assert.Equal(WhisperNetRecognizer.Name, selection.Engine);
                Assert.IsType<WhisperNetRecognizer>(selection.Recognizer);
                Assert.Contains("ggml-tiny.bin", selection.Detail);
            }

            using (var forcedOnnx = Build(new() { ["Whisper:ModelsRoot"] = root, ["Whisper:Engine"] = "onnx" }))
            {
                Assert.Equal(WhisperRecognizer.Name, forcedOnnx.GetRequiredService<UtteranceRecognizerSelector>().Select().Engine);
            }

            using var none = Build(new() { ["Whisper:ModelsRoot"] = Path.Combine(root, "empty") });
            var off = none.GetRequiredService<UtteranceRecognizerSelector>().Select();
            Assert.False(off.Active);
            Assert.Contains("Voice input disabled: no Whisper model", off.Detail);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task ACorruptGgmlModelIsNamedInTheHealthLineNotACrash()
    {
        var corrupt = GeneratedGgmlModels.Generate("ggml-tiny-bad-magic.bin", "--corrupt", "magic");
        using var explicitEngine = Build(new() { ["Whisper:Engine"] = "whisper.net", ["Whisper:GgmlModelPath"] = corrupt });
        var factory = explicitEngine.GetRequiredService<StreamingTranscriberFactory>();
        var off = factory.Recognizer;
        output.WriteLine(off.Detail);
        Assert.False(off.Active);
        Assert.Equal(RecognizerSelection.Disabled, off.Engine);
        Assert.StartsWith("Voice input disabled: Whisper:Engine is whisper.net but ggml-tiny-bad-magic.bin failed to load", off.Detail);
        await using (var transcriber = factory.Create())
        {
            Assert.Equal(RecognizerSelection.Disabled, transcriber.EngineName); // endpoints still work, no transcripts
        }

        // Under auto the ONNX model takes over, and the line says why.
        using var auto = Build(new() { ["Whisper:GgmlModelPath"] = corrupt, ["Whisper:ModelDirectory"] = GeneratedWhisperModels.Random });
        var fallback = auto.GetRequiredService<UtteranceRecognizerSelector>().Select();
        output.WriteLine(fallback.Detail);
        Assert.Equal(WhisperRecognizer.Name, fallback.Engine);
        Assert.Contains("(fallback: Whisper.net: ggml-tiny-bad-magic.bin failed to load", fallback.Detail);

        using var missing = Build(new() { ["Whisper:Engine"] = "whisper.net", ["Whisper:GgmlModelPath"] = "/nonexistent/ggml-base.bin" });
        Assert.Contains("no ggml model at /nonexistent/ggml-base.bin", missing.GetRequiredService<UtteranceRecognizerSelector>().Select().Detail);
    }

    [Fact]
    public void AnUnknownEngineFailsValidationWithTheSettingName()
    {
        using var provider = Build(new() { ["Whisper:Engine"] = "vosk" });
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WhisperOptions>>().Value);
        Assert.Contains("Whisper:Engine", ex.Message);
    }

    [Fact]
    public async Task EngineOpenaiUsesTheTranscriptionServerAndTheHealthLineNamesIt()
    {
        using var provider = Build(new()
        {
            ["Whisper:Engine"] = "openai",
            ["Asr:OpenAiCompatible:Endpoint"] = "http://127.0.0.1:9/v1/",
            ["Asr:OpenAiCompatible:Model"] = "Systran/faster-whisper-base",
        });
        var factory = provider.GetRequiredService<StreamingTranscriberFactory>();
        var selection = factory.Recognizer;
        output.WriteLine(selection.Detail);
        Assert.True(selection.Active);
        Assert.Equal(OpenAiTranscriptionEngine.Name, selection.Engine);
        Assert.IsType<SpeechToTextUtteranceRecognizer>(selection.Recognizer);
        Assert.Equal(
            "voice input: Systran/faster-whisper-base at http://127.0.0.1:9/v1/audio/transcriptions, finals only (Asr:OpenAiCompatible:PartialDecodes is off)",
            selection.CurrentDetail);
        Assert.Same(selection, provider.GetRequiredService<UtteranceRecognizerSelector>().Select());
        await using var transcriber = factory.Create();
        Assert.Equal(OpenAiTranscriptionEngine.Name, transcriber.EngineName);
    }

    [Theory]
    [InlineData("openai", null, "Asr:OpenAiCompatible:Endpoint must be an absolute http(s) URL")]
    [InlineData("openai", "ftp://host", "Asr:OpenAiCompatible:Endpoint must be an absolute http(s) URL")]
    [InlineData("auto", "localhost:8000", "Asr:OpenAiCompatible:Endpoint must be an absolute http(s) URL")]
    [InlineData("OpenAI", "http://127.0.0.1:9|TimeoutSeconds=0", "Asr:OpenAiCompatible:TimeoutSeconds")]
    public void AnUnusableServerSettingFailsValidationWhenTheEngineMayUseIt(string engine, string? endpoint, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Whisper:Engine"] = engine };
        if (endpoint?.Split('|') is [var url, ..var extra])
        {
            settings["Asr:OpenAiCompatible:Endpoint"] = url;
            foreach (var pair in extra)
            {
                settings["Asr:OpenAiCompatible:" + pair.Split('=')[0]] = pair.Split('=')[1];
            }
        }

        using var provider = Build(settings);
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WhisperOptions>>().Value);
        output.WriteLine(ex.Message);
        Assert.Contains(expected, ex.Message);

        // A local engine never uses the server: its settings are not its business.
        using var local = Build(new() { ["Whisper:Engine"] = "onnx", ["Asr:OpenAiCompatible:Endpoint"] = "localhost:8000" });
        Assert.Equal("onnx", local.GetRequiredService<Microsoft.Extensions.Options.IOptions<WhisperOptions>>().Value.Engine);
    }

    [Fact]
    public void UnderAutoALocalModelWinsOverAConfiguredServerAndTheServerIsTheLastResort()
    {
        using (var both = Build(new() { ["Whisper:ModelDirectory"] = GeneratedWhisperModels.Random, ["Asr:OpenAiCompatible:Endpoint"] = "http://127.0.0.1:9" }))
        {
            var local = both.GetRequiredService<UtteranceRecognizerSelector>().Select();
            output.WriteLine(local.Detail);
            Assert.Equal(WhisperRecognizer.Name, local.Engine);
            Assert.Contains("Asr:OpenAiCompatible:Endpoint is set but unused", local.Detail);
        }

        using (var serverOnly = Build(new() { ["Asr:OpenAiCompatible:Endpoint"] = "http://127.0.0.1:9" }))
        {
            var remote = serverOnly.GetRequiredService<UtteranceRecognizerSelector>().Select();
            output.WriteLine(remote.Detail);
            Assert.Equal(OpenAiTranscriptionEngine.Name, remote.Engine);
            Assert.StartsWith("voice input: whisper-1 at http://127.0.0.1:9/v1/audio/transcriptions", remote.Detail);
            Assert.Contains("(fallback: no Whisper model", remote.Detail);
        }

        using var neither = Build(new());
        var off = neither.GetRequiredService<UtteranceRecognizerSelector>().Select();
        Assert.False(off.Active);
        Assert.DoesNotContain("OpenAiCompatible", off.Detail);
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
}
