using System.Diagnostics;
using WebAvatar.Speech.Recognition;
using WebAvatar.Speech.Tests.Vad;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>Whisper.net on the generated random-weight tiny model: the transcripts are gibberish, the work is real.</summary>
[Collection(MemoryMeasurementCollection.Name)]
public class WhisperNetRecognizerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(4, 2)]
    [InlineData(6, 3)]
    [InlineData(32, 4)]
    public void ByDefaultADecodeLeavesHalfTheCoresToTheMediaPath(int cores, int threads) =>
        Assert.Equal(threads, WhisperNetRecognizer.DefaultThreads(cores));

    private static readonly Lazy<float[]> TwoSeconds = new(() =>
    {
        var speech = SpeechTestAudio.Speak("Good morning, how are you today?");
        var audio = new float[32_000];
        speech.AsSpan(0, Math.Min(speech.Length, audio.Length)).CopyTo(audio);
        return audio;
    });

    [Fact]
    public async Task LoadsTheGeneratedModelAndTranscribesAnUtterance()
    {
        var load = Stopwatch.StartNew();
        var recognizer = GeneratedGgmlModels.SharedEngine.Recognizer;
        output.WriteLine($"load + warm-up: {load.ElapsedMilliseconds} ms");
        Assert.True(recognizer is not null, GeneratedGgmlModels.SharedEngine.Describe());

        var clock = Stopwatch.StartNew();
        var result = await recognizer.TranscribeAsync(TwoSeconds.Value, RecognitionPass.Final, CancellationToken.None);
        output.WriteLine($"{clock.ElapsedMilliseconds} ms: '{result.Text}' ({result.Language})");

        Assert.Equal(WhisperNetRecognizer.Name, result.Engine);
        Assert.Equal("Whisper.net", recognizer.EngineName);
        Assert.Equal(2.0, result.AudioDuration.TotalSeconds, 3);
        Assert.Equal("en", result.Language);
        // Loading pays whisper.cpp's one-time set-up with a warm-up decode, so the first utterance is quick.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.ElapsedMilliseconds} ms"); // ~0.2 s on a quiet 2-core machine
        Assert.Contains("ggml-tiny-random.bin", GeneratedGgmlModels.SharedEngine.Describe());
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(16_000, 80)]
    [InlineData(32_000, 128)]
    [InlineData(30 * 16_000, 1500)]
    [InlineData(40 * 16_000, 1500)]
    public void TheAudioContextIsFiftyFramesASecondPlusAMarginRoundedToSixteen(int samples, int frames)
    {
        Assert.Equal(frames, WhisperAudioContext.FramesFor(samples));
        Assert.True(frames == WhisperAudioContext.Full || frames % 16 == 0);
    }

    [Fact]
    public async Task ATrimmedContextDecodesTwoSecondsFasterThanTheFullOne()
    {
        var trimmed = GeneratedGgmlModels.SharedEngine.Recognizer!;
        using var fullEngine = GeneratedGgmlModels.OpenEngine(GeneratedGgmlModels.Random, new WhisperOptions { MaxNewTokens = 8, TrimAudioContext = false });
        var full = fullEngine.Recognizer!;
        var audio = TwoSeconds.Value;
        Assert.InRange(trimmed.AudioContextFor(audio.Length), 112, 128);
        Assert.Equal(1500, full.AudioContextFor(audio.Length));

        await trimmed.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None); // warm-up
        var trimmedMs = await MedianMsAsync(trimmed, audio);
        var fullMs = await MedianMsAsync(full, audio);
        output.WriteLine($"2 s utterance, median of 3: trimmed context {trimmedMs} ms, full context {fullMs} ms");
        Assert.True(trimmedMs < fullMs, $"trimmed {trimmedMs} ms, full {fullMs} ms");
    }

    [Fact]
    public async Task DecodesWithoutTimestampsUpToTheTokenCapAndReportsTheTokens()
    {
        // Random weights never emit end-of-text: every decode runs to the cap, exactly as the ONNX engine's does.
        using var engine = GeneratedGgmlModels.OpenEngine(GeneratedGgmlModels.Random, new WhisperOptions { MaxNewTokens = 5, MaxConcurrentDecodes = 1 });
        var result = await engine.Recognizer!.TranscribeAsync(TwoSeconds.Value, RecognitionPass.Final, CancellationToken.None);
        output.WriteLine($"'{result.Text}': tokens [{string.Join(", ", result.Tokens)}], {result.DecoderSteps} sampled");

        // With timestamps whisper.cpp ends a random model's decode at the first timestamp past the audio (1-2 tokens).
        Assert.Equal(5, result.Tokens.Count);
        Assert.Equal(5, result.DecoderSteps);
        Assert.True(result.HitLengthCap);
        Assert.All(result.Tokens, id => Assert.InRange(id, 0, 50_256));
    }

    [Fact]
    public async Task CancellationStopsADecodePromptly()
    {
        // 30 s at the full context: a decode of seconds, most of it one encoder pass whisper.cpp cannot interrupt. A small
        // cap: random weights decode to it, and the next decode (also full context) waits for the abandoned one.
        using var engine = GeneratedGgmlModels.OpenEngine(GeneratedGgmlModels.Random, new WhisperOptions { MaxNewTokens = 16, TrimAudioContext = false, MaxConcurrentDecodes = 1 });
        var recognizer = engine.Recognizer!;
        var audio = new float[30 * 16_000];
        TwoSeconds.Value.CopyTo(audio, 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recognizer.TranscribeAsync(audio, RecognitionPass.Final, cts.Token));
        var cancelled = clock.ElapsedMilliseconds;
        Array.Clear(audio); // the caller's buffer is free again: the winding-down decode works on its own copy

        // The next decode waits for the abandoned one's slot, then works normally.
        var next = await recognizer.TranscribeAsync(TwoSeconds.Value, RecognitionPass.Final, CancellationToken.None);
        output.WriteLine($"cancelled after 150 ms, returned after {cancelled} ms; next decode done after {clock.ElapsedMilliseconds} ms: '{next.Text}'");
        Assert.True(cancelled < 150 + 300, $"returned after {cancelled} ms");
    }

    [Fact]
    public void AMissingOrCorruptModelIsReportedNotThrown()
    {
        using var missing = GeneratedGgmlModels.OpenEngine("/nonexistent/ggml-tiny.bin", new WhisperOptions());
        Assert.Null(missing.Recognizer);
        Assert.Contains("no ggml model at /nonexistent/ggml-tiny.bin", missing.Describe());

        foreach (var how in new[] { "magic", "truncate" })
        {
            var path = GeneratedGgmlModels.Generate($"ggml-tiny-{how}.bin", "--corrupt", how);
            using var corrupt = GeneratedGgmlModels.OpenEngine(path, new WhisperOptions());
            Assert.Null(corrupt.Recognizer);
            output.WriteLine($"{how}: {corrupt.Describe()}");
            Assert.Contains($"ggml-tiny-{how}.bin failed to load", corrupt.Describe());
        }
    }

    private static async Task<long> MedianMsAsync(IUtteranceRecognizer recognizer, float[] audio)
    {
        var times = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await recognizer.TranscribeAsync(audio, RecognitionPass.Final, CancellationToken.None);
            times.Add(clock.ElapsedMilliseconds);
        }

        return times.Order().ElementAt(1);
    }
}
