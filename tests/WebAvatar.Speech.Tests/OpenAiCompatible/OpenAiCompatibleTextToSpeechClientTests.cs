using Microsoft.Extensions.AI;
using WebAvatar.Speech.OpenAiCompatible;
using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Speech.Tests.OpenAiCompatible;

public sealed class OpenAiCompatibleTextToSpeechClientTests
{
    private static TtsOptions Options(FakeOpenAiSpeechServer server, string format = "pcm") => new()
    {
        Engine = TtsEngines.OpenAi,
        Endpoint = server.Root,
        ApiKey = "secret-key",
        Model = "kokoro",
        Voice = "af_bella",
        ResponseFormat = format,
    };

    [Fact]
    public async Task Whole_pcm_response_becomes_16k_audio_and_the_request_follows_the_api()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: false);
        using var client = new OpenAiCompatibleTextToSpeechClient(Options(server));
        var response = await client.GetAudioAsync("Hello world, this is a test.", new TextToSpeechOptions { Speed = 1.25f });

        var audio = response.Contents.OfType<DataContent>().Single();
        Assert.True(PcmAudioContent.TryGetSampleRate(audio, out int rate));
        Assert.Equal(16_000, rate);
        var samples = PcmAudioContent.GetSamples(audio);
        int expected = (int)(16_000 * 0.040 * 28 / 1.25);
        Assert.InRange(samples.Length, expected - 20, expected + 20);
        Assert.InRange(samples.Skip(1000).Take(4000).Max(), 7500, 8500);

        var request = server.LastSpeechRequest!.Value;
        Assert.Equal("kokoro", request.GetProperty("model").GetString());
        Assert.Equal("af_bella", request.GetProperty("voice").GetString());
        Assert.Equal("pcm", request.GetProperty("response_format").GetString());
        Assert.Equal(1.25, request.GetProperty("speed").GetDouble(), 3);
        Assert.Equal("Bearer secret-key", server.LastAuthorization);
    }

    [Fact]
    public async Task Chunked_response_streams_audio_before_the_server_finishes()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: true);
        using var client = new OpenAiCompatibleTextToSpeechClient(Options(server));
        DateTime? firstUpdate = null;
        int updates = 0;
        long total = 0;
        short[]? firstChunk = null;
        await foreach (var update in client.GetStreamingAudioAsync("A streamed reply of some length.", new TextToSpeechOptions { VoiceId = "other" }))
        {
            firstUpdate ??= DateTime.UtcNow;
            var samples = PcmAudioContent.GetSamples(update.Contents.OfType<DataContent>().Single());
            firstChunk ??= samples;
            total += samples.Length;
            updates++;
            Assert.True(update.AdditionalProperties!.ContainsKey(TtsMetrics.FirstAudioMsKey));
        }

        Assert.True(updates >= 5, $"{updates} updates");
        Assert.True(firstUpdate < server.LastSpeechFinishedUtc.AddMilliseconds(-200), "first audio should arrive while the server is still sending");
        Assert.InRange(total, (long)(16_000 * 0.040 * 32) - 20, (long)(16_000 * 0.040 * 32) + 20);
        Assert.Equal("other", server.LastSpeechRequest!.Value.GetProperty("voice").GetString());

        // Odd-sized network pieces must not shift the byte alignment: the tone stays clean.
        Assert.InRange(firstChunk!.Max(), 7500, 8500);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stereo_wav_responses_are_downmixed_and_resampled(bool chunked)
    {
        using var server = new FakeOpenAiSpeechServer(chunked);
        using var client = new OpenAiCompatibleTextToSpeechClient(Options(server, "wav"));
        var response = await client.GetAudioAsync("Twenty characters!!");
        var samples = PcmAudioContent.GetSamples(response.Contents.OfType<DataContent>().Single());
        int expected = (int)(16_000 * 0.040 * 19);
        Assert.InRange(samples.Length, expected - 20, expected + 20);
        Assert.InRange(samples.Skip(500).Take(4000).Max(), 7500, 8500);
    }

    [Fact]
    public async Task Server_errors_surface_with_status_and_body()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: false);
        using var client = new OpenAiCompatibleTextToSpeechClient(Options(server));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAudioAsync("please fail now"));
        Assert.Contains("500", error.Message);
        Assert.Contains("voice exploded", error.Message);
    }

    [Fact]
    public async Task Endpoint_may_include_v1_and_bad_settings_are_refused()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: false);
        var options = Options(server);
        options.Endpoint = server.Root + "/v1/";
        using var client = new OpenAiCompatibleTextToSpeechClient(options);
        Assert.NotEmpty((await client.GetAudioAsync("Hi there.")).Contents);

        Assert.Throws<ArgumentException>(() => new OpenAiCompatibleTextToSpeechClient(new TtsOptions { Endpoint = "not a url" }));
        Assert.Throws<ArgumentException>(() => new OpenAiCompatibleTextToSpeechClient(new TtsOptions { Endpoint = "ftp://x" }));
        Assert.Throws<ArgumentException>(() => client.GetStreamingAudioAsync(" "));
    }
}
