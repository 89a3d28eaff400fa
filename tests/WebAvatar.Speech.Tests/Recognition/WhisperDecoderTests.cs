using Microsoft.ML.OnnxRuntime;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>The merged-decoder loop on generated Whisper-architecture models (random weights).</summary>
public class WhisperDecoderTests
{
    [Fact]
    public void DecoderCacheGrowsByOneTokenPerStepAndKeepsTheEncoderKeys()
    {
        var recognizer = GeneratedWhisperModels.SharedRandomRecognizer;
        var model = recognizer.Model;
        var tokenizer = model.Tokenizer;
        var features = new float[model.MelBins * WhisperFeatureExtractor.Frames];
        new WhisperFeatureExtractor(model.MelBins).Compute(WhisperFeatureExtractorTests.ReferenceSignal(), features);
        using var runOptions = new RunOptions();
        using var hidden = model.Encode(features, runOptions);
        Assert.Equal([1L, 1500L, 64L], hidden.GetTensorTypeAndShape().Shape);

        using var state = model.StartDecoding(hidden);
        long[] prompt = [tokenizer.StartOfTranscript, tokenizer.Languages["en"], tokenizer.Transcribe, tokenizer.NoTimestamps];
        var logits = state.Step(prompt, runOptions);
        Assert.Equal(tokenizer.VocabularySize, logits.Length);
        Assert.Equal(4, state.PastLength);

        var previous = logits.ToArray();
        for (var step = 1; step <= 5; step++)
        {
            var next = state.Step([step * 7], runOptions).ToArray();
            Assert.Equal(4 + step, state.PastLength);
            Assert.NotEqual(previous, next);
            Assert.All(next, v => Assert.True(float.IsFinite(v)));
            previous = next;
        }

        Assert.Equal(6, state.Steps);
    }

    [Fact]
    public void GreedyDecodingStopsAtTheLengthCap()
    {
        var result = GeneratedWhisperModels.SharedRandomRecognizer.Transcribe(
            WhisperFeatureExtractorTests.ReferenceSignal(), new WhisperDecodingOptions("en", MaxNewTokens: 5), null, CancellationToken.None);

        var tokenizer = GeneratedWhisperModels.SharedRandomRecognizer.Model.Tokenizer;
        Assert.InRange(result.Tokens.Count, 1, 5);
        Assert.Equal(result.HitLengthCap, result.Tokens.Count == 5);
        Assert.Equal(result.Tokens.Count + (result.HitLengthCap ? 0 : 1), result.DecoderSteps);
        Assert.All(result.Tokens, id => Assert.False(tokenizer.IsSpecial(id), $"special token {id} emitted"));
        Assert.Equal("en", result.Language);
        Assert.Equal(TimeSpan.FromSeconds(2.5), result.AudioDuration);
    }

    [Fact]
    public void GreedyDecodingStopsAtEndOfTextAndDetectsTheLanguage()
    {
        using var recognizer = GeneratedWhisperModels.Open(GeneratedWhisperModels.Steered, new WhisperOptions { Language = "auto", MaxNewTokens = 50 });
        var partials = new List<string>();

        var result = recognizer.Transcribe(WhisperFeatureExtractorTests.ReferenceSignal(), null, partials.Add, CancellationToken.None);

        // begin_suppress_tokens forbids end-of-text as the first token, so exactly one token comes before it.
        Assert.Equal("de", result.Language);
        Assert.Single(result.Tokens);
        Assert.False(result.HitLengthCap);
        Assert.Equal(3, result.DecoderSteps); // [sot], [de, transcribe, notimestamps], [token]
        Assert.Equal([result.Text], partials);
        Assert.DoesNotContain(result.Tokens, id => recognizer.Model.Generation.BeginSuppressTokens.Contains(id));
    }

    [Fact]
    public void EnglishOnlyModelsGetNoLanguageOrTaskInThePrompt()
    {
        var dir = GeneratedWhisperModels.Generate("whisper-tiny-en", "--english-only", "--logit-bias", "<|endoftext|>=60");
        using var recognizer = GeneratedWhisperModels.Open(dir, new WhisperOptions { Language = "auto" });

        var result = recognizer.Transcribe(new float[16_000], null, null, CancellationToken.None);

        Assert.False(recognizer.Model.Generation.IsMultilingual);
        Assert.Equal(2, result.DecoderSteps); // [sot, notimestamps], [token]
        Assert.Single(result.Tokens);
        Assert.Equal(string.Empty, result.Language);
    }

    [Fact]
    public async Task DecodesBeyondTheConcurrencyLimitWait()
    {
        using var recognizer = GeneratedWhisperModels.Open(GeneratedWhisperModels.Random, new WhisperOptions { MaxConcurrentDecodes = 1, MaxNewTokens = 3 });
        using var firstIsDecoding = new ManualResetEventSlim();
        using var releaseFirst = new ManualResetEventSlim();
        var first = Task.Run(() => recognizer.Transcribe(new float[16_000], null, _ =>
        {
            firstIsDecoding.Set();
            releaseFirst.Wait();
        }, CancellationToken.None));
        Assert.True(firstIsDecoding.Wait(TimeSpan.FromSeconds(60)));

        // A whole decode of this model takes well under 2 s; held back by the slot, the second one must not finish.
        var second = Task.Run(() => recognizer.Transcribe(new float[16_000], null, null, CancellationToken.None));
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.False(second.IsCompleted, "second decode ran while the only slot was taken");

        releaseFirst.Set();
        Assert.NotEmpty((await first).Tokens);
        Assert.NotEmpty((await second).Tokens);
    }

    [Fact]
    public void ForcedLanguageMustExistInTheModel()
    {
        var ex = Assert.Throws<ArgumentException>(() => GeneratedWhisperModels.SharedRandomRecognizer.Transcribe(
            new float[16_000], new WhisperDecodingOptions("xx"), null, CancellationToken.None));
        Assert.Contains("'xx'", ex.Message);
    }

    [Fact]
    public void CancelledTokenStopsTheDecode()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            GeneratedWhisperModels.SharedRandomRecognizer.Transcribe(new float[16_000], null, null, cts.Token));
    }
}
