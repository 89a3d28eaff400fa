using Microsoft.Extensions.AI;
using WebAvatar.Speech.OpenAiCompatible;

namespace WebAvatar.Speech.Tests.OpenAiCompatible;

public sealed class OpenAiCompatibleSpeechToTextClientTests
{
    [Fact]
    public async Task Raw_pcm_is_sent_as_wav_with_model_and_language()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: false);
        using var client = new OpenAiCompatibleSpeechToTextClient(new OpenAiTranscriptionOptions { Endpoint = server.Root, Model = "whisper-small", ApiKey = "k" });
        var pcm = new byte[16_000 * 2];
        var response = await client.GetTextAsync(new MemoryStream(pcm), new SpeechToTextOptions { SpeechLanguage = "en-US" });
        Assert.Equal("heard 16000 samples at 16000 Hz with whisper-small in en", response.Text);
        Assert.Equal("Bearer k", server.LastAuthorization);
        Assert.Contains("filename=\"speech.wav\"", server.LastTranscriptionForm);
    }

    [Fact]
    public async Task Wav_input_passes_through_and_streaming_yields_the_transcript()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: false);
        using var client = new OpenAiCompatibleSpeechToTextClient(new OpenAiTranscriptionOptions { Endpoint = server.Root + "/v1", PcmSampleRate = 8000 });
        var wav = new MemoryStream([.. WavHeader.CreateMono16(22_050, 100), .. new byte[200]]);
        var updates = new List<SpeechToTextResponseUpdate>();
        await foreach (var update in client.GetStreamingTextAsync(wav))
        {
            updates.Add(update);
        }

        var only = Assert.Single(updates);
        Assert.Equal("heard 100 samples at 22050 Hz with whisper-1 in auto", only.Text);
        Assert.Equal(SpeechToTextResponseUpdateKind.TextUpdated, only.Kind);
    }

    [Fact]
    public async Task Empty_audio_and_bad_endpoint_are_refused()
    {
        using var server = new FakeOpenAiSpeechServer(streamChunked: false);
        using var client = new OpenAiCompatibleSpeechToTextClient(new OpenAiTranscriptionOptions { Endpoint = server.Root });
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetTextAsync(new MemoryStream()));
        Assert.Throws<ArgumentException>(() => new OpenAiCompatibleSpeechToTextClient(new OpenAiTranscriptionOptions { Endpoint = "" }));
    }
}
