using Microsoft.Extensions.AI;
using WebAvatar.Speech.Synthesis;
using WebAvatar.Speech.Synthesis.Piper;

namespace WebAvatar.Speech.Tests.Synthesis;

public sealed class PiperTextToSpeechClientTests(PiperModelFixture models) : IClassFixture<PiperModelFixture>
{
    private PiperTextToSpeechClient CreateClient(PiperOptions? options = null)
    {
        options ??= new PiperOptions();
        options.ModelDirectory = models.Directory;
        return new PiperTextToSpeechClient(options, PiperModelFixture.Voice);
    }

    private static short[] Samples(TextToSpeechResponse response) => PcmAudioContent.GetSamples(response.Contents.OfType<DataContent>().Single());

    [Fact]
    public async Task Generated_voice_speaks_through_the_whole_engine()
    {
        using var client = CreateClient();
        var response = await client.GetAudioAsync("Hi.");
        var audio = response.Contents.OfType<DataContent>().Single();
        Assert.True(PcmAudioContent.TryGetSampleRate(audio, out int rate));
        Assert.Equal(22_050, rate);

        // "Hi." is 13 ids; the generated model makes ceil(13 * 4 * 1.0) frames of 256 samples at 22050 Hz, handed out as they are.
        var samples = PcmAudioContent.GetSamples(audio);
        Assert.Equal(13 * 4 * 256, samples.Length);
        Assert.InRange(samples.Max(s => Math.Abs((int)s)), 20_000, 32_767);
        Assert.Equal(PiperModelFixture.Voice, response.ModelId);
        Assert.Contains(PcmAudioContent.GetMarks(audio), m => m.Viseme == Viseme.Open);
    }

    [Fact]
    public async Task Sentences_stream_one_by_one_with_silence_between()
    {
        using var client = CreateClient();
        var updates = new List<TextToSpeechResponseUpdate>();
        await foreach (var update in client.GetStreamingAudioAsync("Hello there. How are you today? I am fine."))
        {
            updates.Add(update);
        }

        Assert.Equal(3, updates.Count);
        var first = PcmAudioContent.GetSamples(updates[0].Contents.OfType<DataContent>().Single());
        var second = PcmAudioContent.GetSamples(updates[1].Contents.OfType<DataContent>().Single());
        Assert.NotEqual(0, first[100]);
        // 0.2 s of silence at the voice's 22050 Hz.
        Assert.All(second.Take(4410), s => Assert.Equal(0, s));
        Assert.NotEqual(0, second.Skip(4410).Take(200).Max(s => Math.Abs((int)s)));
        var marks = PcmAudioContent.GetMarks(updates[1].Contents[0]);
        Assert.Equal(Viseme.Rest, marks[0].Viseme);
        Assert.Equal(4410, marks[1].OffsetSamples);
        Assert.True(updates.All(u => u.AdditionalProperties!.ContainsKey(TtsMetrics.RealTimeFactorKey)));
    }

    [Fact]
    public async Task Duration_scales_with_length_scale()
    {
        using var client = CreateClient();
        var normal = Samples(await client.GetAudioAsync("Testing the length scale."));
        var slow = Samples(await client.GetAudioAsync("Testing the length scale.", new TextToSpeechOptions { Speed = 0.5f }));
        Assert.InRange(slow.Length / (double)normal.Length, 1.95, 2.05);

        using var overridden = CreateClient(new PiperOptions { Voices = { [PiperModelFixture.Voice] = new PiperVoiceOverrides { LengthScale = 1.5f } } });
        var longer = Samples(await overridden.GetAudioAsync("Testing the length scale."));
        Assert.InRange(longer.Length / (double)normal.Length, 1.45, 1.55);
    }

    [Fact]
    public async Task Non_finite_model_output_is_rejected()
    {
        using var client = CreateClient();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => client.GetAudioAsync("Hello.", new TextToSpeechOptions { VoiceId = PiperModelFixture.NanVoice }));
        Assert.Contains("non-finite", error.Message);
    }

    [Fact]
    public async Task Speakers_of_a_multi_speaker_voice_differ_and_unknown_ones_are_refused()
    {
        using var client = CreateClient();
        TextToSpeechOptions For(string speaker) => new() { VoiceId = PiperModelFixture.MultiSpeakerVoice, AdditionalProperties = new() { ["speaker"] = speaker } };
        var zero = Samples(await client.GetAudioAsync("Hello.", For("speaker0")));
        var two = Samples(await client.GetAudioAsync("Hello.", For("2")));
        Assert.Equal(zero.Length, two.Length);
        Assert.NotEqual(zero, two);
        var error = Assert.Throws<ArgumentException>(() => client.GetStreamingAudioAsync("Hello.", For("nobody")));
        Assert.Contains("nobody", error.Message);
    }

    [Fact]
    public void Unknown_voice_and_empty_folder_fail_clearly()
    {
        using var client = CreateClient();
        var error = Assert.Throws<VoiceNotFoundException>(() => client.GetStreamingAudioAsync("Hello.", new TextToSpeechOptions { VoiceId = "tiny-eng" }));
        Assert.Contains(PiperModelFixture.Voice, error.CloseMatches);

        string empty = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var missing = Assert.Throws<InvalidOperationException>(() => new PiperTextToSpeechClient(new PiperOptions { ModelDirectory = empty }));
            Assert.Contains("gen_piper_model.py", missing.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public async Task Cancellation_before_the_first_sentence_throws()
    {
        using var client = CreateClient();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAudioAsync("Hello there. Again.", null, cts.Token));
    }
}
