using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using WebAvatar.Speech.Recognition;

namespace WebAvatar.Speech.Tests.Recognition;

public class WhisperSpeechToTextClientTests
{
    [Fact]
    public async Task StreamingYieldsTokenDeltasThenTheWholeTranscript()
    {
        using var client = Client(GeneratedWhisperModels.Random, maxTokens: 6);
        var wav = PcmStreamReaderTests.Wav(Pcm(WhisperFeatureExtractorTests.ReferenceSignal()), 16_000, 1);

        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in client.GetStreamingTextAsync(new MemoryStream(wav), new SpeechToTextOptions { SpeechLanguage = "en-US" }))
        {
            updates.Add(update);
        }

        var final = Assert.Single(updates, u => u.Kind == SpeechToTextResponseUpdateKind.TextUpdated);
        Assert.Same(final, updates[^1]);
        var partials = updates.Where(u => u.Kind == SpeechToTextResponseUpdateKind.TextUpdating).ToList();
        Assert.NotEmpty(partials);
        Assert.Equal(final.Text, string.Concat(partials.Select(p => p.Text)).Trim());
        var details = Assert.IsType<WhisperTranscription>(final.RawRepresentation);
        Assert.Equal("en", details.Language);
        Assert.Equal(TimeSpan.FromSeconds(2.5), final.EndTime);
    }

    [Fact]
    public async Task GetTextMatchesTheRecognizer()
    {
        using var client = Client(GeneratedWhisperModels.Steered, maxTokens: 6);
        var pcm = Pcm(WhisperFeatureExtractorTests.ReferenceSignal());
        var raw = new byte[pcm.Length * 2];
        Buffer.BlockCopy(pcm, 0, raw, 0, raw.Length);

        var response = await client.GetTextAsync(new MemoryStream(raw), new SpeechToTextOptions { SpeechLanguage = "de", SpeechSampleRate = 16_000 });

        var details = Assert.IsType<WhisperTranscription>(response.RawRepresentation);
        Assert.Equal(details.Text, response.Text);
        Assert.Single(details.Tokens);
        Assert.Equal("de", details.Language);
    }

    [Fact]
    public async Task WithoutAModelTheClientSaysVoiceInputIsDisabled()
    {
        var root = TestPaths.NewTempDirectory("models-none");
        var options = Options.Create(new WhisperOptions { ModelsRoot = root });
        using var engine = new WhisperEngine(options, new WhisperModelLocator(options));
        using var client = new WhisperSpeechToTextClient(engine);

        Assert.False(engine.IsAvailable);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetTextAsync(new MemoryStream(new byte[640])));
        Assert.StartsWith("voice input disabled", ex.Message);
    }

    private static WhisperSpeechToTextClient Client(string modelDir, int maxTokens)
    {
        var options = Options.Create(new WhisperOptions { ModelDirectory = modelDir, MaxNewTokens = maxTokens });
        var engine = new WhisperEngine(options, new WhisperModelLocator(options));
        Assert.True(engine.IsAvailable, engine.Describe());
        return new WhisperSpeechToTextClient(engine);
    }

    private static short[] Pcm(float[] samples) => samples.Select(s => (short)Math.Round(s * 32767)).ToArray();
}
