using Microsoft.Extensions.AI;
using WebAvatar.Speech.Synthesis.Espeak;

namespace WebAvatar.Speech.Tests;

public sealed class ClientServicesTests
{
    [Fact]
    public void A_client_offers_its_metadata_and_itself_and_nothing_keyed()
    {
        using var client = new EspeakTextToSpeechClient();

        var metadata = Assert.IsType<TextToSpeechClientMetadata>(client.GetService(typeof(TextToSpeechClientMetadata)));
        Assert.Equal("espeak-ng", metadata.ProviderName);
        Assert.Same(client, client.GetService(typeof(ITextToSpeechClient)));
        Assert.Same(client, client.GetService(typeof(EspeakTextToSpeechClient)));
        Assert.Null(client.GetService(typeof(ITextToSpeechClient), serviceKey: "other"));
        Assert.Null(client.GetService(typeof(SpeechToTextClientMetadata)));
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
    }
}
